/**
 * The installer PIN: a few digits a person types on the panel's screen, kept only as a salted scrypt hash
 * whose parameters travel in the string (`scrypt$N$r$p$salt$hash`), so they can be raised later without
 * breaking the hashes already written. Hub (`portvakt-hub provision`) and panel (`portvakt
 * set-installer-pin`, installer mode) share this one definition.
 *
 * Hashing and checking are asynchronous (libuv's thread pool): a check takes tens of milliseconds on a
 * panel's CPU, and the panel's event loop must stay free for card taps and exit buttons meanwhile.
 */
import { randomBytes, randomInt, type ScryptOptions, scrypt } from 'node:crypto';
import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { secretsEqual } from '../http/bearer.ts';

/** 16 MiB of memory per check (128·N·r): costly to guess offline, fits a panel's RAM. */
const N = 16384;
const R = 8;
const P = 1;
const KEY_LEN = 32;
/** What a stored hash may ask of the panel: a tampered file must not make every check take minutes. */
const MAX_N = 1 << 17;
const MAX_MEMORY = 256 * 1024 * 1024;

export const PIN_MIN_DIGITS = 6;
export const PIN_MAX_DIGITS = 12;
/** What `provision` generates: 8 random digits, 10^8 guesses against the panel's backoff. */
export const GENERATED_PIN_DIGITS = 8;

export const pinSchema = z
  .string()
  .regex(
    new RegExp(`^[0-9]{${PIN_MIN_DIGITS},${PIN_MAX_DIGITS}}$`),
    `must be ${PIN_MIN_DIGITS}-${PIN_MAX_DIGITS} digits`,
  );

export const PIN_HASH_PATTERN =
  /^scrypt\$[0-9]{1,7}\$[0-9]{1,2}\$[0-9]{1,2}\$[A-Za-z0-9_-]{16,64}\$[A-Za-z0-9_-]{32,128}$/;

export const pinHashSchema = z
  .string()
  .regex(
    PIN_HASH_PATTERN,
    'must be a PIN hash as `portvakt set-installer-pin` writes it (scrypt$N$r$p$salt$hash)',
  );

/** A random PIN of `digits` decimal digits (leading zeros kept). */
export function randomPin(digits = GENERATED_PIN_DIGITS): string {
  let pin = '';
  for (let i = 0; i < digits; i++) pin += String(randomInt(10));
  return pin;
}

export async function hashPin(pin: string): Promise<string> {
  const checked = pinSchema.safeParse(pin);
  if (!checked.success) throw new ValidationError(`the PIN ${checked.error.issues[0]?.message}`);
  const salt = randomBytes(16);
  const hash = await scryptAsync(pin, salt, KEY_LEN, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/**
 * Whether `pin` matches `stored`. False (never a throw) for a stored string that is not a hash this
 * code writes or whose parameters are out of bounds: a broken hash file locks installer mode, it does not
 * crash the panel.
 */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  if (!PIN_HASH_PATTERN.test(stored)) return false;
  const [, n, r, p, salt, hash] = stored.split('$');
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (!isPowerOfTwo(params.N) || params.N > MAX_N || params.r < 1 || params.p < 1) return false;
  if (128 * params.N * params.r * params.p > MAX_MEMORY) return false;
  const expected = Buffer.from(hash!, 'base64url');
  try {
    const actual = await scryptAsync(pin, Buffer.from(salt!, 'base64url'), expected.length, {
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

function scryptAsync(pin: string, salt: Buffer, keyLen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(pin, salt, keyLen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}
