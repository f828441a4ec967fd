/**
 * NXP AN10922 AES-128 key diversification: a card key derived from a master key and the card's own
 * identity, so a key read out of one card (or one compromised reader session) opens only that card.
 *
 *   diversified = CMAC-AES(master, 0x01 ‖ M)   with AN10922's padding rule:
 *   M (1..31 bytes) is padded with 80 00… to 32 bytes when shorter (K2 on the last block), else K1.
 *
 * The diversification input M used by portvakt is explicit and fixed (changing it re-keys every card):
 *
 *   M = UID (4, 7 or 10 bytes, as GET DATA returns it)
 *     ‖ AID (3 bytes, least significant byte first, as DESFire sends it)
 *     ‖ system identifier (the building's, 1..n bytes so that M stays ≤ 31 bytes)
 *
 * This is AN10922's own example layout (its worked example: UID 04782E21801D80, AID 3042F5, system
 * identifier "NXP Abu"), so its published vector tests this exact function.
 */
import { AES_BLOCK } from './aes.ts';
import { cmacChain, cmacSubkeys } from './aes-cmac.ts';

const AES128_DIV_CONSTANT = 0x01;
export const MAX_DIVERSIFICATION_INPUT = 31;

/** AN10922 §2.2 AES-128: `input` is M (without the 0x01 constant), 1 to 31 bytes. */
export function diversifyAes128(masterKey: Buffer, input: Buffer): Buffer {
  if (input.length < 1 || input.length > MAX_DIVERSIFICATION_INPUT) {
    throw new RangeError(`AN10922 diversification input must be 1..31 bytes, got ${input.length}`);
  }
  const { k1, k2 } = cmacSubkeys(masterKey);
  const message = Buffer.concat([Buffer.from([AES128_DIV_CONSTANT]), input]);
  const padded = Buffer.alloc(2 * AES_BLOCK);
  message.copy(padded);
  if (message.length === padded.length) return cmacChain(masterKey, padded, k1);
  padded[message.length] = 0x80;
  return cmacChain(masterKey, padded, k2);
}

export interface DiversificationIdentity {
  /** The card UID bytes (4, 7 or 10). */
  uid: Buffer;
  /** The DESFire application id (24-bit), or for MIFARE Classic a 3-byte key purpose (see classic/keys.ts). */
  aid: number;
  /** The building's system identifier; with UID and AID it must fit in 31 bytes. */
  systemIdentifier: Buffer;
}

/** M = UID ‖ AID (LSB first) ‖ system identifier. */
export function diversificationInput({ uid, aid, systemIdentifier }: DiversificationIdentity): Buffer {
  if (!Number.isInteger(aid) || aid < 0 || aid > 0xffffff)
    throw new RangeError('AID must be a 24-bit number');
  const aidBytes = Buffer.from([aid & 0xff, (aid >> 8) & 0xff, (aid >> 16) & 0xff]);
  return Buffer.concat([uid, aidBytes, systemIdentifier]);
}

/** The per-card key for one application key role. */
export function diversifyCardKey(masterKey: Buffer, identity: DiversificationIdentity): Buffer {
  return diversifyAes128(masterKey, diversificationInput(identity));
}
