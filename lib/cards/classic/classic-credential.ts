/**
 * Reads and personalises the credential of a MIFARE Classic card through a PC/SC reader's part-3
 * pseudo-APDUs: LOAD KEY (FF 82) into the reader's volatile slot, GENERAL AUTHENTICATE (FF 86), READ
 * BINARY (FF B0), UPDATE BINARY (FF D6). The reader runs Crypto1; see classic-keys.ts for why this mode is
 * weaker than DESFire. Never throws for card-controlled input.
 */
import { timingSafeEqual } from 'node:crypto';
import { aesCmac } from '../aes-cmac.ts';
import { type CardChannel, readUid } from '../card-channel.ts';
import {
  type ClassicEnrolmentProfile,
  type ClassicReadProfile,
  classicMacKey,
  classicSectorKey,
} from './classic-keys.ts';

const KEY_SLOT = 0x00;
const KEY_A = 0x60;
const KEY_B = 0x61;
const TRANSPORT_KEY = Buffer.from('FFFFFFFFFFFF', 'hex');
/** Data blocks: read with A or B, write with B; trailer: keys and access bits written with B only. */
const ACCESS_BITS = Buffer.from('78778800', 'hex');
const CREDENTIAL_FORMAT = 0x01;
export const MAX_CLASSIC_CREDENTIAL = 14;

export type ClassicReadResult =
  | { ok: true; uid: string; credential: string }
  | { ok: false; reason: 'card_not_authentic' | 'card_error'; uid?: string; detail: string };

export type ClassicPersonaliseResult =
  | { ok: true; uid: string; outcome: 'personalised' | 'already_personalised' }
  | {
      ok: false;
      uid?: string;
      reason: 'belongs_elsewhere' | 'card_error' | 'invalid_request';
      detail: string;
    };

async function command(
  channel: CardChannel,
  apdu: Buffer,
): Promise<{ ok: boolean; data: Buffer; sw: number }> {
  const response = await channel.transmit(apdu);
  if (response.length < 2 || response.length > 64) throw new Error(`answer of ${response.length} bytes`);
  const sw = response.readUInt16BE(response.length - 2);
  return { ok: sw === 0x9000, data: Buffer.from(response.subarray(0, -2)), sw };
}

async function authenticate(
  channel: CardChannel,
  block: number,
  keyType: number,
  key: Buffer,
): Promise<boolean> {
  const loaded = await command(
    channel,
    Buffer.concat([Buffer.from([0xff, 0x82, 0x00, KEY_SLOT, 0x06]), key]),
  );
  if (!loaded.ok) throw new Error(`LOAD KEY failed with ${loaded.sw.toString(16)}`);
  const auth = await command(
    channel,
    Buffer.from([0xff, 0x86, 0x00, 0x00, 0x05, 0x01, 0x00, block, keyType, KEY_SLOT]),
  );
  return auth.ok;
}

async function readBlock(channel: CardChannel, block: number): Promise<Buffer> {
  const read = await command(channel, Buffer.from([0xff, 0xb0, 0x00, block, 0x10]));
  if (!read.ok || read.data.length !== 16)
    throw new Error(`READ BINARY of block ${block} failed (${read.sw.toString(16)})`);
  return read.data;
}

async function writeBlock(channel: CardChannel, block: number, data: Buffer): Promise<void> {
  const write = await command(channel, Buffer.concat([Buffer.from([0xff, 0xd6, 0x00, block, 0x10]), data]));
  if (!write.ok) throw new Error(`UPDATE BINARY of block ${block} failed (${write.sw.toString(16)})`);
}

/** Block 1 of the sector: CMAC(per-card MAC key, UID ‖ block 0), binding the credential to this card. */
function credentialMac(profile: ClassicReadProfile, uid: Buffer, block0: Buffer): Buffer {
  const key = classicMacKey(profile.keyAMasterKey, uid, profile.sector, profile.systemIdentifier);
  return aesCmac(key, Buffer.concat([uid, block0]));
}

function decode(block: Buffer): Buffer | undefined {
  const length = block[1]!;
  if (block[0] !== CREDENTIAL_FORMAT || length < 1 || length > MAX_CLASSIC_CREDENTIAL) return undefined;
  return Buffer.from(block.subarray(2, 2 + length));
}

export async function readClassicCredential(
  channel: CardChannel,
  profile: ClassicReadProfile,
): Promise<ClassicReadResult> {
  let uid: Buffer | undefined;
  try {
    uid = await readUid(channel);
    const uidHex = uid.toString('hex').toUpperCase();
    const block = profile.sector * 4;
    const keyA = classicSectorKey(profile.keyAMasterKey, uid, profile.sector, 'A', profile.systemIdentifier);
    if (!(await authenticate(channel, block, KEY_A, keyA))) {
      return {
        ok: false,
        reason: 'card_not_authentic',
        uid: uidHex,
        detail: 'the sector refused the diversified key A',
      };
    }
    const block0 = await readBlock(channel, block);
    const mac = await readBlock(channel, block + 1);
    if (!timingSafeEqual(mac, credentialMac(profile, uid, block0))) {
      const detail = 'the credential MAC is wrong (written without the building key)';
      return { ok: false, reason: 'card_not_authentic', uid: uidHex, detail };
    }
    const credential = decode(block0);
    if (!credential)
      return {
        ok: false,
        reason: 'card_error',
        uid: uidHex,
        detail: 'the credential block is not in the expected format',
      };
    return { ok: true, uid: uidHex, credential: credential.toString('hex').toUpperCase() };
  } catch (err) {
    const result = {
      ok: false as const,
      reason: 'card_error' as const,
      detail: err instanceof Error ? err.message : String(err),
    };
    return uid ? { ...result, uid: uid.toString('hex').toUpperCase() } : result;
  }
}

/** Writes the credential into a transport-configured sector (keys FFFFFFFFFFFF) and sets the per-card keys. */
export async function personaliseClassic(
  channel: CardChannel,
  profile: ClassicEnrolmentProfile,
  credential: Buffer,
): Promise<ClassicPersonaliseResult> {
  if (credential.length < 1 || credential.length > MAX_CLASSIC_CREDENTIAL) {
    return {
      ok: false,
      reason: 'invalid_request',
      detail: `a Classic credential is 1..${MAX_CLASSIC_CREDENTIAL} bytes`,
    };
  }
  let uid: Buffer | undefined;
  try {
    uid = await readUid(channel);
    const uidHex = uid.toString('hex').toUpperCase();
    const block = profile.sector * 4;
    const keyA = classicSectorKey(profile.keyAMasterKey, uid, profile.sector, 'A', profile.systemIdentifier);
    const keyB = classicSectorKey(profile.keyBMasterKey, uid, profile.sector, 'B', profile.systemIdentifier);
    if (!(await authenticate(channel, block, KEY_A, TRANSPORT_KEY))) {
      const existing = await readClassicCredential(channel, profile);
      if (existing.ok && existing.credential === credential.toString('hex').toUpperCase()) {
        return { ok: true, uid: uidHex, outcome: 'already_personalised' };
      }
      return {
        ok: false,
        uid: uidHex,
        reason: 'belongs_elsewhere',
        detail: 'the sector is keyed, and not with this credential',
      };
    }
    const data = Buffer.alloc(16);
    data[0] = CREDENTIAL_FORMAT;
    data[1] = credential.length;
    credential.copy(data, 2);
    await writeBlock(channel, block, data);
    await writeBlock(channel, block + 1, credentialMac(profile, uid, data));
    await writeBlock(channel, block + 3, Buffer.concat([keyA, ACCESS_BITS, keyB]));
    // The new trailer is in force from the next authentication: prove key B and key A both work.
    if (!(await authenticate(channel, block, KEY_B, keyB))) throw new Error('the new key B is not accepted');
    const check = await readClassicCredential(channel, profile);
    if (!check.ok || check.credential !== credential.toString('hex').toUpperCase())
      throw new Error('the card does not read back');
    return { ok: true, uid: uidHex, outcome: 'personalised' };
  } catch (err) {
    const result = {
      ok: false as const,
      reason: 'card_error' as const,
      detail: err instanceof Error ? err.message : String(err),
    };
    return uid ? { ...result, uid: uid.toString('hex').toUpperCase() } : result;
  }
}
