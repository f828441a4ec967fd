/** personaliseDesfire against the virtual DESFire EV2 chip in process. */
import { describe, expect, it } from 'vitest';
import type { CardChannel } from '../../../lib/cards/card-channel.ts';
import { personaliseDesfire } from '../../../lib/cards/personalise.ts';
import { readSecureCredential } from '../../../lib/cards/secure-credential.ts';
import type { DesfireEv2Card } from '../../../scripts/lab/desfire-card.ts';
import {
  blankDesfireCard,
  cloneDesfireCard,
  genuineDesfireCard,
} from '../../../scripts/lab/desfire-cards.ts';
import { BUILDING_A, BUILDING_B, CREDENTIAL, UID } from './profiles.ts';

const channel = (card: DesfireEv2Card): CardChannel => ({ transmit: async (apdu) => card.apdu(apdu) });
const credential = Buffer.from(CREDENTIAL, 'hex');

describe('personaliseDesfire', () => {
  it('personalises a blank card, which then reads as genuine; the keys are no longer the defaults', async () => {
    for (const commMode of ['full', 'mac'] as const) {
      const profile = { ...BUILDING_A, commMode };
      const card = blankDesfireCard(UID);
      expect(await personaliseDesfire(channel(card), profile, credential)).toEqual({
        ok: true,
        uid: UID,
        outcome: 'personalised',
      });
      expect(await readSecureCredential(channel(card), profile)).toEqual({
        ok: true,
        uid: UID,
        credential: CREDENTIAL,
      });
      const keys = card.applications.get(profile.aid)!.keys;
      expect(keys.every((k) => !k.equals(Buffer.alloc(16)))).toBe(true);
      // A copy of the card's content onto another UID does not read: the keys are per card.
      expect(
        await readSecureCredential(channel(cloneDesfireCard('04A2B3C4D5E6F8', profile, CREDENTIAL)), profile),
      ).toMatchObject({ ok: false, reason: 'card_not_authentic' });
    }
  });

  it('is idempotent, and refuses to overwrite another credential of the building', async () => {
    const card = genuineDesfireCard(UID, BUILDING_A, CREDENTIAL);
    expect(await personaliseDesfire(channel(card), BUILDING_A, credential)).toMatchObject({
      ok: true,
      outcome: 'already_personalised',
    });
    expect(await personaliseDesfire(channel(card), BUILDING_A, Buffer.from('FFEE', 'hex'))).toMatchObject({
      ok: false,
      reason: 'already_enrolled',
    });
  });

  it('finishes an enrolment that stopped after creating the application', async () => {
    const card = blankDesfireCard(UID);
    card.addApplication(BUILDING_A.aid, [Buffer.alloc(16), Buffer.alloc(16)]);
    expect(await personaliseDesfire(channel(card), BUILDING_A, credential)).toMatchObject({
      ok: true,
      outcome: 'personalised',
    });
    // …and after creating the file too.
    const second = blankDesfireCard('04A2B3C4D5E6F9');
    const app = second.addApplication(BUILDING_A.aid, [Buffer.alloc(16), Buffer.alloc(16)]);
    app.files.set(1, { mode: 'full', rights: 0x1000, data: Buffer.alloc(32) });
    expect(await personaliseDesfire(channel(second), BUILDING_A, credential)).toMatchObject({ ok: true });
  });

  it("refuses another building's card, a clone's foreign keys and bad requests", async () => {
    const other = genuineDesfireCard(UID, BUILDING_B, CREDENTIAL);
    expect(await personaliseDesfire(channel(other), BUILDING_A, credential)).toMatchObject({
      ok: false,
      reason: 'belongs_elsewhere',
    });
    const foreign = cloneDesfireCard(UID, BUILDING_A, CREDENTIAL);
    expect(await personaliseDesfire(channel(foreign), BUILDING_A, credential)).toMatchObject({
      ok: false,
      reason: 'belongs_elsewhere',
    });
    expect(
      await personaliseDesfire(channel(blankDesfireCard(UID)), BUILDING_A, Buffer.alloc(31)),
    ).toMatchObject({
      ok: false,
      reason: 'invalid_request',
    });
    expect(
      await personaliseDesfire(channel(blankDesfireCard('08112233')), BUILDING_A, credential),
    ).toMatchObject({
      ok: false,
      reason: 'random_uid',
    });
    const ev1 = blankDesfireCard(UID);
    ev1.hardwareMajor = 0x01;
    expect(await personaliseDesfire(channel(ev1), BUILDING_A, credential)).toMatchObject({
      ok: false,
      reason: 'unsupported_card',
    });
    const sameKeys = { ...BUILDING_A, appMasterKey: BUILDING_A.readMasterKey };
    expect(await personaliseDesfire(channel(blankDesfireCard(UID)), sameKeys, credential)).toMatchObject({
      ok: false,
      reason: 'invalid_request',
    });
  });

  it('shares a card with another application only when allowed', async () => {
    const card = genuineDesfireCard(UID, BUILDING_B, CREDENTIAL);
    const result = await personaliseDesfire(channel(card), BUILDING_A, credential, {
      allowOtherApplications: true,
    });
    expect(result).toMatchObject({ ok: true, outcome: 'personalised' });
    expect(await readSecureCredential(channel(card), BUILDING_A)).toMatchObject({ ok: true });
    expect(await readSecureCredential(channel(card), BUILDING_B)).toMatchObject({ ok: true });
  });
});
