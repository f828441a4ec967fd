/**
 * Limits failed resident logins, per resident id (guessing one resident's password) and per client
 * address (trying many residents). Fixed windows kept in memory: a restarted hub forgets them, which
 * costs an attacker a hub restart they cannot cause. Passwords are random (set by the admin), so this
 * mostly keeps a guessing client from burning the hub's CPU on scrypt.
 */
import { z } from 'zod';
import type { Clock } from '../../../lib/clock/clock.ts';
import { RateLimitedError } from '../../../lib/errors.ts';

/** Part of the hub's settings (settings.ts). */
export const loginLimitsSchema = z
  .object({
    perResident: z
      .number()
      .int()
      .min(1)
      .default(5)
      .describe('failed logins allowed per resident id in a window'),
    perAddress: z
      .number()
      .int()
      .min(1)
      .default(20)
      .describe('failed logins allowed per client address in a window'),
    windowMs: z
      .number()
      .int()
      .min(1)
      .default(15 * 60_000)
      .describe('how long failures count'),
  })
  .strict();
export type LoginLimits = z.output<typeof loginLimitsSchema>;

export const DEFAULT_LOGIN_LIMITS: LoginLimits = loginLimitsSchema.parse({});

/** Beyond this many tracked keys, expired windows are dropped (bounded memory under a spray). */
const PRUNE_AT = 10_000;

interface Window {
  failures: number;
  startedAt: number;
}

export class LoginLimiter {
  readonly #clock: Clock;
  readonly #limits: LoginLimits;
  readonly #windows = new Map<string, Window>();

  constructor(clock: Clock, limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {
    this.#clock = clock;
    this.#limits = limits;
  }

  /** Throws RateLimitedError while the resident or the address has used up its failures. */
  check(residentId: string, address: string): void {
    const now = this.#clock.now();
    for (const [key, limit] of this.#keys(residentId, address)) {
      const w = this.#current(key, now);
      if (w && w.failures >= limit)
        throw new RateLimitedError(
          'too many failed logins; try again later',
          w.startedAt + this.#limits.windowMs - now,
        );
    }
  }

  failed(residentId: string, address: string): void {
    const now = this.#clock.now();
    if (this.#windows.size >= PRUNE_AT) this.#prune(now);
    for (const [key] of this.#keys(residentId, address)) {
      const w = this.#current(key, now) ?? { failures: 0, startedAt: now };
      w.failures++;
      this.#windows.set(key, w);
    }
  }

  /** A correct password clears the resident's count (not the address's: one success hides no spray). */
  succeeded(residentId: string): void {
    this.#windows.delete(`resident:${residentId}`);
  }

  #keys(residentId: string, address: string): [string, number][] {
    return [
      [`resident:${residentId}`, this.#limits.perResident],
      [`address:${address}`, this.#limits.perAddress],
    ];
  }

  #current(key: string, now: number): Window | undefined {
    const w = this.#windows.get(key);
    if (!w) return undefined;
    if (now - w.startedAt >= this.#limits.windowMs) {
      this.#windows.delete(key);
      return undefined;
    }
    return w;
  }

  #prune(now: number): void {
    for (const [key, w] of this.#windows) {
      if (now - w.startedAt >= this.#limits.windowMs) this.#windows.delete(key);
    }
  }
}
