/** MIFARE Classic legacy mode against the virtual Classic 1K in process. */
import { describe, expect, it } from 'vitest';
import type { CardChannel } from '../../../lib/cards/card-channel.ts';
import { personaliseClassic, readClassicCredential } from '../../../lib/cards/classic/classic-credential.ts';
import { type ClassicEnrolmentProfile, classicSectorKey } from '../../../lib/cards/classic/classic-keys.ts';
import { MifareClassic1k } from '../../../scripts/lab/mifare-classic.ts';

const PROFILE: ClassicEnrolmentProfile = {
  sector: 2,
  systemIdentifier: Buffer.from('portvakt:A'),
  keyAMasterKey: Buffer.from('C1C1C1C1C1C1C1C1C1C1C1C1C1C1C1C1', 'hex'),
  keyBMasterKey: Buffer.from('C2C2C2C2C2C2C2C2C2C2C2C2C2C2C2C2', 'hex'),
};
const UID = Buffer.from('A1B2C3D4', 'hex');
const channel = (chip: MifareClassic1k): CardChannel => ({ transmit: async (apdu) => chip.apdu(apdu) });

describe('MIFARE Classic legacy mode', () => {
  it('derives distinct 6-byte keys per card, sector and key type', () => {
    const a = classicSectorKey(PROFILE.keyAMasterKey, UID, 2, 'A', PROFILE.systemIdentifier);
    expect(a).toHaveLength(6);
    expect(classicSectorKey(PROFILE.keyAMasterKey, UID, 2, 'B', PROFILE.systemIdentifier)).not.toEqual(a);
    expect(classicSectorKey(PROFILE.keyAMasterKey, UID, 3, 'A', PROFILE.systemIdentifier)).not.toEqual(a);
    expect(
      classicSectorKey(
        PROFILE.keyAMasterKey,
        Buffer.from('A1B2C3D5', 'hex'),
        2,
        'A',
        PROFILE.systemIdentifier,
      ),
    ).not.toEqual(a);
    expect(() => classicSectorKey(PROFILE.keyAMasterKey, UID, 0, 'A', PROFILE.systemIdentifier)).toThrow(
      RangeError,
    );
  });

  it('personalises a transport-keyed card, reads it back, and is idempotent', async () => {
    const chip = new MifareClassic1k(UID);
    const credential = Buffer.from('00112233445566', 'hex');
    expect(await personaliseClassic(channel(chip), PROFILE, credential)).toEqual({
      ok: true,
      uid: 'A1B2C3D4',
      outcome: 'personalised',
    });
    expect(await readClassicCredential(channel(chip), PROFILE)).toEqual({
      ok: true,
      uid: 'A1B2C3D4',
      credential: '00112233445566',
    });
    expect(await personaliseClassic(channel(chip), PROFILE, credential)).toMatchObject({
      ok: true,
      outcome: 'already_personalised',
    });
    expect(await personaliseClassic(channel(chip), PROFILE, Buffer.from('99', 'hex'))).toMatchObject({
      ok: false,
      reason: 'belongs_elsewhere',
    });
  });

  it('refuses a card keyed for another building, and a UID clone of a genuine card', async () => {
    const other = { ...PROFILE, keyAMasterKey: Buffer.alloc(16, 7), keyBMasterKey: Buffer.alloc(16, 8) };
    const chip = new MifareClassic1k(UID);
    await personaliseClassic(channel(chip), other, Buffer.from('01', 'hex'));
    expect(await readClassicCredential(channel(chip), PROFILE)).toMatchObject({
      ok: false,
      reason: 'card_not_authentic',
    });
    // A clone that copied only the UID (transport keys) is refused too.
    expect(await readClassicCredential(channel(new MifareClassic1k(UID)), PROFILE)).toMatchObject({
      ok: false,
      reason: 'card_not_authentic',
    });
  });

  it('refuses a credential rewritten by someone who cracked the sector keys (the MAC binds it)', async () => {
    const chip = new MifareClassic1k(UID);
    await personaliseClassic(channel(chip), PROFILE, Buffer.from('00112233', 'hex'));
    // The attacker recovered key B of their own card (Crypto1) and writes another credential.
    const keyB = classicSectorKey(PROFILE.keyBMasterKey, UID, 2, 'B', PROFILE.systemIdentifier);
    const send = (hex: string): Buffer => chip.apdu(Buffer.from(hex, 'hex'));
    expect(send(`FF82000006${keyB.toString('hex')}`).toString('hex')).toBe('9000');
    expect(send('FF860000050100086100').toString('hex')).toBe('9000');
    expect(send(`FFD6000810010499887766${'00'.repeat(10)}`).toString('hex')).toBe('9000');
    expect(await readClassicCredential(channel(chip), PROFILE)).toMatchObject({
      ok: false,
      reason: 'card_not_authentic',
    });
  });

  it('turns a card that is not a Classic into card_error, not a throw', async () => {
    const silent: CardChannel = { transmit: async () => Buffer.from('6A81', 'hex') };
    expect(await readClassicCredential(silent, PROFILE)).toMatchObject({ ok: false, reason: 'card_error' });
  });
});
