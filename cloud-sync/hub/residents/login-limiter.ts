/**
 * Slows down failed resident logins without letting anyone lock a resident out.
 *
 * Policy (each rule is an exponential backoff: after `free` failures, the next attempt waits
 * base·2^(failures−free), capped; the hub answers 429 with Retry-After until then):
 * - per (resident, address): guessing one resident's password from one place. A correct password
 *   clears it. An attacker elsewhere never touches the resident's own pair.
 * - per address, over all residents: one client spraying many resident ids (and burning scrypt CPU).
 *   A success does not clear it (one success hides no spray). Behind a reverse proxy the address is the
 *   client's only with `trustedProxies` set (client-address.ts), otherwise everybody shares the proxy's.
 * - per resident, over all addresses: guessing from many addresses. It only slows addresses the resident
 *   has not logged in from successfully (remembered `knownAddressMs`), and its delay is capped low
 *   (`resident.maxDelayMs`), so it can slow a resident on a new network but never keeps a correct
 *   password from their usual address out, however long the attack lasts.
 * Refused attempts (429) are not failures: they cost no scrypt and do not grow the backoff.
 * Kept in memory: a restarted hub forgets, which costs an attacker a restart they cannot cause; the
 * maps are bounded (oldest entries dropped first). Passwords are random 192-bit values set by the
 * admin, so this is about CPU and noise more than about guessing.
 */
import { z } from 'zod';
import type { Clock } from '../../../lib/clock/clock.ts';
import { RateLimitedError } from '../../../lib/errors.ts';

const backoff = (free: number, baseMs: number, maxMs: number) =>
  z
    .object({
      free: z.number().int().min(0).default(free).describe('failures before any delay'),
      baseMs: z.number().int().min(1).default(baseMs).describe('first delay; doubles with each failure'),
      maxMs: z.number().int().min(1).default(maxMs).describe('longest delay'),
    })
    .strict()
    .prefault({});

/** Part of the hub's settings (settings.ts). */
export const loginLimitsSchema = z
  .object({
    pair: backoff(3, 1000, 15 * 60_000).describe('failed logins of one resident from one address'),
    address: backoff(20, 1000, 15 * 60_000).describe('failed logins from one address, any resident'),
    resident: backoff(10, 1000, 60_000).describe(
      'failed logins of one resident from any address; applies only to addresses the resident has not logged in from',
    ),
    forgetAfterMs: z
      .number()
      .int()
      .min(1)
      .default(24 * 3_600_000)
      .describe('failures older than this (since the last one) are forgotten'),
    knownAddressMs: z
      .number()
      .int()
      .min(1)
      .default(90 * 86_400_000)
      .describe('how long an address a resident logged in from stays exempt from the per-resident guard'),
  })
  .strict();
export type LoginLimits = z.output<typeof loginLimitsSchema>;
type Backoff = LoginLimits['pair'];

export const DEFAULT_LOGIN_LIMITS: LoginLimits = loginLimitsSchema.parse({});

/** Tracked keys per map; beyond it the oldest are dropped (bounded memory under an address spray). */
const MAX_KEYS = 10_000;

interface Failures {
  count: number;
  lastAt: number;
}

export class LoginLimiter {
  readonly #clock: Clock;
  readonly #limits: LoginLimits;
  readonly #failures = new Map<string, Failures>();
  /** `${residentId}\0${address}` → when the resident last logged in from there. */
  readonly #known = new Map<string, number>();

  constructor(clock: Clock, limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {
    this.#clock = clock;
    this.#limits = limits;
  }

  /** Throws RateLimitedError (with the wait) while a backoff for this attempt runs. */
  check(residentId: string, address: string): void {
    const now = this.#clock.now();
    let waitMs = 0;
    for (const [key, rule] of this.#rules(residentId, address, now))
      waitMs = Math.max(waitMs, this.#wait(key, rule, now));
    if (waitMs > 0) throw new RateLimitedError('too many failed logins; try again later', waitMs);
  }

  failed(residentId: string, address: string): void {
    const now = this.#clock.now();
    // Every rule counts the failure, also the per-resident one from a known address: it is still a
    // failure of that resident, though it is not held against the known address.
    for (const key of [pairKey(residentId, address), `a\0${address}`, `r\0${residentId}`]) {
      const f = this.#current(key, now) ?? { count: 0, lastAt: now };
      f.count++;
      f.lastAt = now;
      this.#failures.delete(key); // re-insert: the map stays in last-failure order for the bound
      this.#failures.set(key, f);
    }
    bound(this.#failures);
  }

  /** A correct password: clears the pair and remembers the address as the resident's. */
  succeeded(residentId: string, address: string): void {
    const key = pairKey(residentId, address);
    this.#failures.delete(key);
    this.#known.delete(key);
    this.#known.set(key, this.#clock.now());
    bound(this.#known);
  }

  #rules(residentId: string, address: string, now: number): [string, Backoff][] {
    const rules: [string, Backoff][] = [
      [pairKey(residentId, address), this.#limits.pair],
      [`a\0${address}`, this.#limits.address],
    ];
    const knownAt = this.#known.get(pairKey(residentId, address));
    if (knownAt === undefined || now - knownAt >= this.#limits.knownAddressMs)
      rules.push([`r\0${residentId}`, this.#limits.resident]);
    return rules;
  }

  #wait(key: string, rule: Backoff, now: number): number {
    const f = this.#current(key, now);
    if (!f || f.count < rule.free) return 0;
    const delay = Math.min(rule.maxMs, rule.baseMs * 2 ** (f.count - rule.free));
    return Math.max(0, f.lastAt + delay - now);
  }

  #current(key: string, now: number): Failures | undefined {
    const f = this.#failures.get(key);
    if (f && now - f.lastAt >= this.#limits.forgetAfterMs) {
      this.#failures.delete(key);
      return undefined;
    }
    return f;
  }
}

function pairKey(residentId: string, address: string): string {
  return `p\0${residentId}\0${address}`;
}

function bound(map: Map<string, unknown>): void {
  for (const key of map.keys()) {
    if (map.size <= MAX_KEYS) return;
    map.delete(key);
  }
}
