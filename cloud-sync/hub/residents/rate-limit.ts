/**
 * Request rate limits of the resident API (token buckets per key, in memory): login attempts per client
 * address, whatever their outcome (the failed-login backoff is login-limiter.ts), and remote door opens
 * per resident (over all their sessions: a second phone does not double the rate). A refused request is
 * a RateLimitedError, which the HTTP layer answers with 429 and Retry-After.
 */
import { z } from 'zod';
import type { Clock } from '../../../lib/clock/clock.ts';
import { RateLimitedError } from '../../../lib/errors.ts';

const bucket = (burst: number, perMinute: number) =>
  z
    .object({
      burst: z.number().int().min(1).default(burst).describe('requests allowed at once'),
      perMinute: z.number().min(0.01).default(perMinute).describe('sustained requests per minute'),
    })
    .strict()
    .prefault({});

/** Part of the hub's settings (settings.ts). */
export const residentRateLimitsSchema = z
  .object({
    loginsPerAddress: bucket(30, 30).describe('login attempts per client address'),
    opensPerResident: bucket(5, 10).describe(
      "remote door opens per resident (the resident app's open button)",
    ),
  })
  .strict();
export type ResidentRateLimits = z.output<typeof residentRateLimitsSchema>;
export type Bucket = ResidentRateLimits['opensPerResident'];

export const DEFAULT_RESIDENT_RATE_LIMITS: ResidentRateLimits = residentRateLimitsSchema.parse({});

/** Keys per limiter; beyond it the least recently used are dropped (bounded memory). */
const MAX_KEYS = 10_000;

interface Tokens {
  tokens: number;
  at: number;
}

export class RateLimit {
  readonly #clock: Clock;
  readonly #bucket: Bucket;
  readonly #what: string;
  readonly #keys = new Map<string, Tokens>();

  /** `what` names the limit in the error (e.g. "door opens"). */
  constructor(clock: Clock, bucket: Bucket, what: string) {
    this.#clock = clock;
    this.#bucket = bucket;
    this.#what = what;
  }

  /** Takes one token for `key`, or throws RateLimitedError with the wait for the next one. */
  take(key: string): void {
    const now = this.#clock.monotonic();
    const msPerToken = 60_000 / this.#bucket.perMinute;
    const held = this.#keys.get(key);
    const tokens = held
      ? Math.min(this.#bucket.burst, held.tokens + (now - held.at) / msPerToken)
      : this.#bucket.burst;
    if (tokens < 1)
      throw new RateLimitedError(`too many ${this.#what}; try again later`, (1 - tokens) * msPerToken);
    this.#keys.delete(key);
    this.#keys.set(key, { tokens: tokens - 1, at: now });
    for (const k of this.#keys.keys()) {
      if (this.#keys.size <= MAX_KEYS) break;
      this.#keys.delete(k);
    }
  }
}
