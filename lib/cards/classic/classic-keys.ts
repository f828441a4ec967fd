/**
 * Per-card MIFARE Classic sector keys, for buildings that keep Classic cards (legacy mode).
 *
 * WEAKER THAN DESFIRE, plainly: Classic's Crypto1 cipher is broken (nested, darkside and hardnested
 * attacks recover sector keys from a card, or from a sniffed exchange, in minutes with a cheap reader),
 * and "magic" cards accept any UID. Whoever holds one card for minutes can clone that card. What the
 * diversification buys: the keys recovered from one card open only that card, not the building's other
 * cards, and cannot be used to write a new card for another UID. Buildings should move to DESFire.
 *
 * Key derivation, fixed (changing it re-keys every card): 6-byte key = first 6 bytes of AN10922
 * AES-128 with
 *   M = UID ‖ 'C' ‖ sector ‖ ('A' | 'B') ‖ system identifier
 * under the key-A master (read; on the panels) or the key-B master (write; enrolment only).
 */
import { diversifyAes128 } from '../an10922.ts';

export const CLASSIC_KEY_LENGTH = 6;

export interface ClassicReadProfile {
  /** The sector holding the credential (1..15; sector 0 holds the manufacturer block). */
  sector: number;
  /** The building's system identifier (1..18 bytes). */
  systemIdentifier: Buffer;
  /** SECRET. Master of the key-A (read) keys; on every panel of the building. */
  keyAMasterKey: Buffer;
}

export interface ClassicEnrolmentProfile extends ClassicReadProfile {
  /** SECRET. Master of the key-B (write, re-key) keys; enrolment stations only. */
  keyBMasterKey: Buffer;
}

/**
 * The per-card key of the credential block's MAC: AN10922 under the key-A master with role 'M'. It never
 * goes onto the card, so whoever cracks a card's sector keys still cannot write a credential the door
 * accepts (e.g. another resident's onto their own card); they can only copy that card whole.
 */
export function classicMacKey(master: Buffer, uid: Buffer, sector: number, systemIdentifier: Buffer): Buffer {
  if (!Number.isInteger(sector) || sector < 1 || sector > 15) throw new RangeError('sector must be 1..15');
  return diversifyAes128(master, Buffer.concat([uid, Buffer.from([0x43, sector, 0x4d]), systemIdentifier]));
}

export function classicSectorKey(
  master: Buffer,
  uid: Buffer,
  sector: number,
  keyType: 'A' | 'B',
  systemIdentifier: Buffer,
): Buffer {
  if (!Number.isInteger(sector) || sector < 1 || sector > 15) throw new RangeError('sector must be 1..15');
  const input = Buffer.concat([uid, Buffer.from([0x43, sector, keyType.charCodeAt(0)]), systemIdentifier]);
  return diversifyAes128(master, input).subarray(0, CLASSIC_KEY_LENGTH);
}
