/**
 * Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30 s — what every authenticator app speaks)
 * through otpauth, on the hub's Clock. A code is accepted one step early or late (clock skew of a phone);
 * the step it matched is returned so the caller can refuse its reuse.
 */
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

const PERIOD_S = 30;
const ISSUER = 'portvakt';

export function newTotpSecret(): string {
  // 160 bits, the size RFC 4226 recommends for SHA-1.
  return new Secret({ size: 20 }).base32;
}

function totp(secret: string, label = 'admin'): TOTP {
  return new TOTP({ issuer: ISSUER, label, secret: Secret.fromBase32(secret), period: PERIOD_S });
}

/** The otpauth:// URI an authenticator app scans (or the secret typed in by hand). */
export function totpUri(secret: string, username: string): string {
  return totp(secret, username).toString();
}

/** The time step a valid code belongs to, or undefined for a wrong code. */
export function matchTotp(secret: string, code: string, now: number): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totp(secret).validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return undefined;
  return Math.floor(now / 1000 / PERIOD_S) + delta;
}

/** The current code (for tests and for a CLI that sets up an account). */
export function totpCode(secret: string, now: number): string {
  return totp(secret).generate({ timestamp: now });
}

/** Ten single-use recovery codes, 10 characters of base32 each (50 bits), grouped for reading. */
export function newRecoveryCodes(): string[] {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return Array.from({ length: 10 }, () => {
    const bytes = randomBytes(10);
    const chars = [...bytes].map((b) => alphabet[b % 32]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}
