/**
 * Short secrets typed on a screen (the installer PIN, a resident's panel PIN) kept only as a salted scrypt
 * hash whose parameters travel in the string (`scrypt$N$r$p$salt$key`, base64url — the hub's password
 * format), so they can be raised later without breaking the hashes already written.
 *
 * Hashing and checking are asynchronous (libuv's thread pool): a check takes tens of milliseconds on a
 * panel's CPU, and the event loop that serves card taps and exit buttons must not wait for it.
 */
import { randomBytes, type ScryptOptions, scrypt } from 'node:crypto';
import { secretsEqual } from '../http/bearer.ts';

/** 16 MiB of memory per check (128·N·r): costly to guess offline, fits a panel's RAM. */
export const SCRYPT_PARAMS = { N: 16384, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** What a stored hash may ask of the panel: a tampered value must not make every check take minutes. */
const MAX_N = 1 << 17;
const MAX_MEMORY = 256 * 1024 * 1024;

export const SCRYPT_HASH_PATTERN =
  /^scrypt\$[0-9]{1,7}\$[0-9]{1,2}\$[0-9]{1,2}\$[A-Za-z0-9_-]{16,64}\$[A-Za-z0-9_-]{32,128}$/;

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

/**
 * Whether `secret` hashes to `stored`. False (never a throw) for a value that is not such a hash or whose
 * parameters are out of bounds: a broken hash locks its door to installer mode or the resident's
 * sign-in, it does not crash the panel.
 */
export async function verifyScrypt(secret: string, stored: string): Promise<boolean> {
  if (!SCRYPT_HASH_PATTERN.test(stored)) return false;
  const [, n, r, p, salt, key] = stored.split('$');
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (!isPowerOfTwo(params.N) || params.N > MAX_N || params.r < 1 || params.p < 1) return false;
  if (128 * params.N * params.r * params.p > MAX_MEMORY) return false;
  const expected = Buffer.from(key!, 'base64url');
  try {
    const actual = await derive(secret, Buffer.from(salt!, 'base64url'), expected.length, {
      ...params,
      maxmem: MAX_MEMORY + 1024 * 1024,
    });
    return secretsEqual(actual, expected);
  } catch {
    return false;
  }
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;
}
