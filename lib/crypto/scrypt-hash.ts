/**
 * Short secrets (a resident's panel PIN) hashed with scrypt, asynchronously: the work runs on libuv's
 * thread pool, so the event loop that serves card taps never waits for it. The format is
 * `scrypt$N$r$p$salt$key` (base64url), the hub's password format; `verifyScrypt` runs only the
 * parameters it is given in `allowed`, so a stored value cannot ask for a costlier scrypt.
 */
import { randomBytes, type ScryptOptions, scrypt } from 'node:crypto';
import { secretsEqual } from '../http/bearer.ts';

export const SCRYPT_PARAMS = { N: 16384, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

function derive(secret: string, salt: Buffer, keyLen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, keyLen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashScrypt(secret: string): Promise<string> {
  const { N, r, p } = SCRYPT_PARAMS;
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(secret, salt, KEY_BYTES, { N, r, p });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Whether `secret` hashes to `stored`; false for a malformed value or other parameters than ours. */
export async function verifyScrypt(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  const ours =
    scheme === 'scrypt' &&
    Number(n) === SCRYPT_PARAMS.N &&
    Number(r) === SCRYPT_PARAMS.r &&
    Number(p) === SCRYPT_PARAMS.p;
  if (!ours || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  if (expected.length !== KEY_BYTES) return false;
  const actual = await derive(secret, Buffer.from(salt, 'base64url'), KEY_BYTES, SCRYPT_PARAMS);
  return secretsEqual(actual, expected);
}
