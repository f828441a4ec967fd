/**
 * The installer PIN: a few digits a person types on the panel's screen, kept only as a salted scrypt hash
 * (scrypt-hash.ts). Hub (`portvakt-hub provision`, pairing) and panel (`portvakt set-installer-pin`,
 * installer mode) share this one definition.
 */
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { hashScrypt, SCRYPT_HASH_PATTERN, verifyScrypt } from './scrypt-hash.ts';

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

export const PIN_HASH_PATTERN = SCRYPT_HASH_PATTERN;

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
  return hashScrypt(pin);
}

/** Whether `pin` matches `stored`; false for a stored value that is not a hash within bounds. */
export const verifyPin = (pin: string, stored: string): Promise<boolean> => verifyScrypt(pin, stored);
