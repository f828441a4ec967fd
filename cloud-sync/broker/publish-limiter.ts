/**
 * The embedded broker's per-client publish limit for residents' app devices: a token bucket each
 * (`ratePerS` sustained, bursts up to `burst`). A call needs a few messages a second (offer, candidates,
 * answer); a client beyond its bucket is flooding, and the broker drops it before the message costs a
 * panel anything. Refusals are counted, and logged once per client per window, never once per message.
 * Mosquitto has no per-client publish rate limit (deploy/mosquitto/README.md): there the panel's own limit
 * is what holds.
 */
import type { Clock } from '../../lib/clock/clock.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { TokenBucket } from '../../lib/token-bucket.ts';

export interface PublishLimits {
  ratePerS: number;
  burst: number;
}

/** Enough for a call's signaling burst (ICE candidates) with room to spare. */
export const DEFAULT_APP_DEVICE_PUBLISH_LIMITS: PublishLimits = { ratePerS: 20, burst: 60 };

const LOG_WINDOW_MS = 60_000;
/** Beyond this many buckets, idle ones are dropped (bounded memory under many flooding devices). */
const PRUNE_AT = 1000;

interface Bucket {
  tokens: TokenBucket;
  /** Last publish seen (monotonic ms), for pruning idle buckets. */
  at: number;
  refused: number;
  loggedAt: number | undefined;
}

export class PublishLimiter {
  readonly #limits: PublishLimits;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #buckets = new Map<string, Bucket>();
  #refusedTotal = 0;

  constructor(limits: PublishLimits, clock: Clock, logger: Logger) {
    if (!(limits.ratePerS > 0) || !(limits.burst >= 1))
      throw new RangeError('rate and burst must be positive');
    this.#limits = limits;
    this.#clock = clock;
    this.#logger = logger;
  }

  /** Takes one token for `clientId`; false (counted, logged once per window) when it has none. */
  allow(clientId: string): boolean {
    const now = this.#clock.monotonic();
    let b = this.#buckets.get(clientId);
    if (!b) {
      const tokens = new TokenBucket(
        this.#limits.ratePerS,
        () => this.#clock.monotonic(),
        this.#limits.burst,
      );
      b = { tokens, at: now, refused: 0, loggedAt: undefined };
      this.#buckets.set(clientId, b);
    }
    b.at = now;
    if (b.tokens.available() >= 1) {
      b.tokens.take(1);
      return true;
    }
    b.refused++;
    this.#refusedTotal++;
    if (b.loggedAt === undefined || now - b.loggedAt >= LOG_WINDOW_MS) {
      this.#logger.warn(
        { clientId, refused: b.refused, ratePerS: this.#limits.ratePerS },
        'app device over its publish limit; disconnected',
      );
      b.loggedAt = now;
    }
    return false;
  }

  /** A client gone: its bucket goes too (a reconnect starts full, but needs a fresh hub-checked login). */
  forget(clientId: string): void {
    const now = this.#clock.monotonic();
    const b = this.#buckets.get(clientId);
    // Keep a refusing client's bucket for its log window, so reconnect-and-flood stays limited and quiet.
    if (!(b && b.refused > 0 && b.loggedAt !== undefined && now - b.loggedAt < LOG_WINDOW_MS))
      this.#buckets.delete(clientId);
    // Buckets kept that way go once untouched for longer than a window and a full refill: by then they
    // would be full again, so dropping them changes nothing but memory.
    if (this.#buckets.size > PRUNE_AT) {
      const idleMs = Math.max(LOG_WINDOW_MS, (this.#limits.burst / this.#limits.ratePerS) * 1000);
      for (const [id, bucket] of this.#buckets) if (now - bucket.at >= idleMs) this.#buckets.delete(id);
    }
  }

  /** Publishes refused since start, over all clients. */
  refused(): number {
    return this.#refusedTotal;
  }
}
