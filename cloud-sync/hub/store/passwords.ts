/**
 * Broker passwords: random, shown once at provisioning, kept only as a scrypt hash (the hub never needs
 * the clear text again; the broker has its own hash in its password file).
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { secretsEqual } from '../../../lib/http/bearer.ts';

const N = 16384;
const R = 8;
const P = 1;
const KEY_LEN = 32;

export function randomPassword(): string {
  return randomBytes(24).toString('base64url');
}

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, KEY_LEN, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = scryptSync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return secretsEqual(actual, expected);
}
