/**
 * Property tests: whatever a card answers, the enrolment and rotation paths return a typed result and
 * never throw; and the virtual DESFire chip itself answers any APDU with a status instead of throwing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CardChannel } from '../../../lib/cards/card-channel.ts';
import { personaliseClassic, readClassicCredential } from '../../../lib/cards/classic/classic-credential.ts';
import { personaliseDesfire } from '../../../lib/cards/personalise.ts';
import { rotateDesfireKeys } from '../../../lib/cards/rotate.ts';
import { blankDesfireCard, genuineDesfireCard } from '../../../scripts/lab/desfire-cards.ts';
import { BUILDING_A, BUILDING_B, CREDENTIAL, UID } from './profiles.ts';

const answers = fc.array(fc.uint8Array({ minLength: 0, maxLength: 70 }), { minLength: 1, maxLength: 10 });

/** Answers from the real chip for the first `honest` exchanges, then the scripted garbage. */
function hostile(script: Uint8Array[], honest: number, chip = blankDesfireCard(UID)): CardChannel {
  let step = 0;
  return {
    transmit: async (apdu) => {
      step++;
      return step <= honest ? chip.apdu(apdu) : Buffer.from(script[step % script.length]!);
    },
  };
}

const classicProfile = {
  sector: 1,
  systemIdentifier: Buffer.from('x'),
  keyAMasterKey: Buffer.alloc(16, 1),
  keyBMasterKey: Buffer.alloc(16, 2),
};

describe('hostile cards', () => {
  it('personalisation, rotation and Classic never throw', async () => {
    await fc.assert(
      fc.asyncProperty(answers, fc.nat({ max: 9 }), async (script, honest) => {
        const credential = Buffer.from(CREDENTIAL, 'hex');
        expect((await personaliseDesfire(hostile(script, honest), BUILDING_A, credential)).ok).toBeTypeOf(
          'boolean',
        );
        const genuine = genuineDesfireCard(UID, BUILDING_A, CREDENTIAL);
        const to = { ...BUILDING_B, aid: BUILDING_A.aid, keyVersion: 2 };
        expect((await rotateDesfireKeys(hostile(script, honest, genuine), BUILDING_A, to)).ok).toBeTypeOf(
          'boolean',
        );
        expect((await readClassicCredential(hostile(script, 0), classicProfile)).ok).toBe(false);
        expect(
          (await personaliseClassic(hostile(script, 0), classicProfile, credential.subarray(0, 4))).ok,
        ).toBeTypeOf('boolean');
      }),
      { numRuns: 200 },
    );
  });

  it('the virtual DESFire chip answers every APDU with a status word', () => {
    const card = genuineDesfireCard(UID, BUILDING_A, CREDENTIAL);
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 0, maxLength: 60 }), { maxLength: 20 }), (apdus) => {
        for (const apdu of apdus) {
          const bytes = Buffer.from(apdu);
          if (bytes.length > 1 && bytes[0] !== 0xff) bytes[0] = 0x90;
          expect(card.apdu(bytes).length).toBeGreaterThanOrEqual(2);
        }
      }),
      { numRuns: 300 },
    );
  });
});
