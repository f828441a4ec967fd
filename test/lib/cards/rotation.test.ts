/** Key rotation: versioned read masters on the panels, re-keying at the enrolment station. */
import { describe, expect, it } from 'vitest';
import type { CardChannel } from '../../../lib/cards/card-channel.ts';
import type { DesfireEnrolmentProfile } from '../../../lib/cards/card-profile.ts';
import { rotateDesfireKeys } from '../../../lib/cards/rotate.ts';
import { readSecureCredential } from '../../../lib/cards/secure-credential.ts';
import type { DesfireEv2Card } from '../../../scripts/lab/desfire-card.ts';
import { cloneDesfireCard, genuineDesfireCard } from '../../../scripts/lab/desfire-cards.ts';
import { BUILDING_A, CREDENTIAL, UID } from './profiles.ts';

const channel = (card: DesfireEv2Card): CardChannel => ({ transmit: async (apdu) => card.apdu(apdu) });

const V2: DesfireEnrolmentProfile = {
  ...BUILDING_A,
  keyVersion: 2,
  readMasterKey: Buffer.alloc(16, 0x21),
  appMasterKey: Buffer.alloc(16, 0x20),
  previousReadKeys: [{ version: 1, readMasterKey: BUILDING_A.readMasterKey }],
};

describe('key rotation', () => {
  it('panels in a rotation read cards of both versions; after it, only the new', async () => {
    const oldCard = genuineDesfireCard(UID, BUILDING_A, CREDENTIAL);
    const newCard = genuineDesfireCard(UID, V2, CREDENTIAL);
    expect(await readSecureCredential(channel(oldCard), V2)).toMatchObject({
      ok: true,
      credential: CREDENTIAL,
    });
    expect(await readSecureCredential(channel(newCard), V2)).toMatchObject({
      ok: true,
      credential: CREDENTIAL,
    });
    const after = { ...V2, previousReadKeys: [] };
    expect(await readSecureCredential(channel(oldCard), after)).toMatchObject({
      ok: false,
      reason: 'card_not_authentic',
    });
    // A card naming a version nobody holds is not authentic either.
    const stranger = genuineDesfireCard(UID, { ...BUILDING_A, keyVersion: 9 }, CREDENTIAL);
    expect(await readSecureCredential(channel(stranger), V2)).toMatchObject({
      ok: false,
      reason: 'card_not_authentic',
    });
  });

  it('re-keys a card to the new version, once', async () => {
    const card = genuineDesfireCard(UID, BUILDING_A, CREDENTIAL);
    expect(await rotateDesfireKeys(channel(card), BUILDING_A, V2)).toEqual({
      ok: true,
      uid: UID,
      outcome: 'rotated',
    });
    expect(await readSecureCredential(channel(card), { ...V2, previousReadKeys: [] })).toMatchObject({
      ok: true,
      credential: CREDENTIAL,
    });
    expect(await readSecureCredential(channel(card), BUILDING_A)).toMatchObject({
      ok: false,
      reason: 'card_not_authentic',
    });
    expect(await rotateDesfireKeys(channel(card), BUILDING_A, V2)).toMatchObject({
      ok: true,
      outcome: 'already_rotated',
    });
  });

  it('refuses to rotate a clone', async () => {
    const clone = cloneDesfireCard(UID, BUILDING_A, CREDENTIAL);
    expect(await rotateDesfireKeys(channel(clone), BUILDING_A, V2)).toMatchObject({
      ok: false,
      reason: 'card_not_authentic',
    });
  });
});
