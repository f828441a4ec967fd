/**
 * UUIDv7 (RFC 9562): 48-bit ms timestamp, then randomness. node:crypto only makes v4. Ids from one
 * generator are strictly increasing even within a millisecond or when the wall clock steps back (the
 * 12-bit rand_a field is a counter, method 1 of RFC 9562 §6.2), so they sort like the audit seq does.
 */
import { randomFillSync } from 'node:crypto';

export function createUuidV7(now: () => number): () => string {
  let lastMs = -1;
  let counter = 0;
  const bytes = Buffer.alloc(16);
  return () => {
    const ms = Math.max(now(), lastMs);
    if (ms === lastMs && counter < 0xfff) {
      counter++;
    } else {
      // Exhausted counter: borrow the next millisecond rather than repeat or go backwards.
      lastMs = ms === lastMs ? ms + 1 : ms;
      randomFillSync(bytes, 6, 2);
      // Start in the lower half so a burst has room to count up.
      counter = bytes.readUInt16BE(6) & 0x7ff;
    }
    bytes.writeUIntBE(lastMs, 0, 6);
    bytes[6] = 0x70 | (counter >> 8);
    bytes[7] = counter & 0xff;
    randomFillSync(bytes, 8, 8);
    bytes[8] = 0x80 | (bytes[8]! & 0x3f);
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}
