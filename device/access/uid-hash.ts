/**
 * Card UIDs are a credential (anyone with the number can clone a plain MIFARE card), so logs and events
 * carry a keyed hash instead: equal within one key (taps correlate), useless for cloning, and not
 * reversible by brute force over the 2^32 space of 4-byte UIDs without the key.
 */
import { createHmac, randomBytes } from 'node:crypto';

export type UidHash = (uid: string) => string;

export const UID_HASH_LENGTH = 16;

/** HMAC-SHA256 of the UID, first 16 hex chars (64 bits: collisions are not a concern at panel scale). */
export function createUidHash(key: string | Buffer): UidHash {
  if (key.length === 0) throw new RangeError('uid hash key must not be empty');
  return (uid) => createHmac('sha256', key).update(uid).digest('hex').slice(0, UID_HASH_LENGTH);
}

/** Hash with the configured key, or a random one per start (hashes then correlate only within a run). */
export function uidHashFromConfig(config: { log: { uidHashKey?: string | undefined } }): UidHash {
  return createUidHash(config.log.uidHashKey ?? randomBytes(32));
}
