/** readSecureCredential against the virtual DESFire EV2 chip in process (the pcsc suite runs it through pcscd). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CardChannel } from '../../../lib/cards/card-channel.ts';
import { readSecureCredential } from '../../../lib/cards/secure-credential.ts';
import type { DesfireEv2Card } from '../../../scripts/lab/desfire-card.ts';
import {
  blankDesfireCard,
  cloneDesfireCard,
  genuineDesfireCard,
} from '../../../scripts/lab/desfire-cards.ts';
import { BUILDING_A, BUILDING_B, CREDENTIAL, UID } from './profiles.ts';

const channel = (card: DesfireEv2Card): CardChannel => ({ transmit: async (apdu) => card.apdu(apdu) });

describe('readSecureCredential', () => {
  it('reads the credential of a genuine card (full and MAC mode)', async () => {
    for (const commMode of ['full', 'mac'] as const) {
      const profile = { ...BUILDING_A, commMode };
      const result = await readSecureCredential(
        channel(genuineDesfireCard(UID, profile, CREDENTIAL)),
        profile,
      );
      expect(result).toEqual({ ok: true, uid: UID, credential: CREDENTIAL });
    }
  });

  it('refuses a clone with the same UID and application but not the keys', async () => {
    const result = await readSecureCredential(
      channel(cloneDesfireCard(UID, BUILDING_A, CREDENTIAL)),
      BUILDING_A,
    );
    expect(result).toMatchObject({ ok: false, reason: 'card_not_authentic', uid: UID });
  });

  it("refuses another building's card and a blank card as no_application", async () => {
    const other = genuineDesfireCard(UID, BUILDING_B, CREDENTIAL);
    expect(await readSecureCredential(channel(other), BUILDING_A)).toMatchObject({
      ok: false,
      reason: 'no_application',
    });
    expect(await readSecureCredential(channel(blankDesfireCard(UID)), BUILDING_A)).toMatchObject({
      ok: false,
      reason: 'no_application',
    });
  });

  it('refuses a card whose application has our AID but another building keys', async () => {
    const sameAid = { ...BUILDING_B, aid: BUILDING_A.aid };
    const result = await readSecureCredential(
      channel(genuineDesfireCard(UID, sameAid, CREDENTIAL)),
      BUILDING_A,
    );
    expect(result).toMatchObject({ ok: false, reason: 'card_not_authentic' });
  });

  it('refuses a genuine card whose UID was changed (keys are per UID)', async () => {
    const card = genuineDesfireCard(UID, BUILDING_A, CREDENTIAL);
    const moved: CardChannel = {
      transmit: async (apdu) =>
        apdu[0] === 0xff ? Buffer.from('04A2B3C4D5E6F89000', 'hex') : card.apdu(apdu),
    };
    expect(await readSecureCredential(moved, BUILDING_A)).toMatchObject({
      ok: false,
      reason: 'card_not_authentic',
    });
  });

  it('turns transport failures into card_error', async () => {
    const broken: CardChannel = { transmit: async () => Promise.reject(new Error('card left the field')) };
    expect(await readSecureCredential(broken, BUILDING_A)).toEqual({
      ok: false,
      reason: 'card_error',
      detail: 'card left the field',
    });
  });

  it('stops a card that answers "more frames" forever', async () => {
    const genuine = genuineDesfireCard(UID, BUILDING_A, CREDENTIAL);
    let exchanges = 0;
    const endless: CardChannel = {
      transmit: async (apdu) => {
        exchanges++;
        return apdu[1] === 0xaf || apdu[1] === 0xbd ? Buffer.from('91AF', 'hex') : genuine.apdu(apdu);
      },
    };
    expect(await readSecureCredential(endless, BUILDING_A)).toMatchObject({ ok: false });
    expect(exchanges).toBeLessThan(20);
  });

  it('never throws, whatever a hostile card answers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 80 }), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        async (answers, genuineFirst) => {
          // A scripted hostile card, optionally after a genuine prefix so later steps are reached.
          const genuine = genuineDesfireCard(UID, BUILDING_A, CREDENTIAL);
          let step = 0;
          const hostile: CardChannel = {
            transmit: async (apdu) => {
              step++;
              if (genuineFirst && step <= 3) return genuine.apdu(apdu);
              return Buffer.from(answers[step % answers.length]!);
            },
          };
          const result = await readSecureCredential(hostile, BUILDING_A);
          expect(result.ok).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws when single bytes of a genuine exchange are flipped', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 7 }),
        fc.nat({ max: 200 }),
        fc.integer({ min: 1, max: 255 }),
        async (which, at, mask) => {
          const genuine = genuineDesfireCard(UID, BUILDING_A, CREDENTIAL);
          let step = 0;
          const flipping: CardChannel = {
            transmit: async (apdu) => {
              const answer = genuine.apdu(apdu);
              if (step++ === which && answer.length > 0)
                answer[at % answer.length] = answer[at % answer.length]! ^ mask;
              return answer;
            },
          };
          const result = await readSecureCredential(flipping, BUILDING_A);
          // A flipped bit either breaks the exchange or (UID byte) changes the identity: never a grant
          // with a wrong credential.
          if (result.ok) expect(result.credential).toBe(CREDENTIAL);
        },
      ),
      { numRuns: 300 },
    );
  });
});
