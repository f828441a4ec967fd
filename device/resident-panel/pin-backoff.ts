/**
 * Wrong panel PINs back off per resident: three tries, then a pause of 30 s that doubles with each
 * further wrong PIN, at most an hour. While a pause runs no PIN is checked at all (the caller answers
 * 429 with the wait). A right PIN clears the count; so does a day without a wrong one. On the monotonic
 * clock; in memory (a restart forgets, which an attacker at the door cannot cause), bounded in size.
 */
import type { Clock } from '../../lib/clock/clock.ts';

export interface PinBackoffLimits {
  /** Wrong PINs before the first pause. */
  free: number;
  baseMs: number;
  maxMs: number;
  /** A count this long after its last wrong PIN is forgotten. */
  forgetAfterMs: number;
}

export const PIN_BACKOFF: PinBackoffLimits = {
  free: 3,
  baseMs: 30_000,
  maxMs: 3_600_000,
  forgetAfterMs: 86_400_000,
};

/** Residents tracked at once; beyond it the longest-quiet are dropped (a building has far fewer). */
const MAX_RESIDENTS = 5000;

interface Failures {
  count: number;
  lastAt: number;
  until: number;
}

export class PinBackoff {
  readonly #clock: Clock;
  readonly #limits: PinBackoffLimits;
  readonly #failures = new Map<string, Failures>();

  constructor(clock: Clock, limits: PinBackoffLimits = PIN_BACKOFF) {
    this.#clock = clock;
    this.#limits = limits;
  }

  /** How long the resident must still wait before a PIN is checked; 0: now. */
  waitMs(residentId: string): number {
    const f = this.#current(residentId);
    return f ? Math.max(0, f.until - this.#clock.monotonic()) : 0;
  }

  /** Counts a wrong PIN; returns the count and the pause it started (0: none yet). */
  failed(residentId: string): { failures: number; waitMs: number } {
    const now = this.#clock.monotonic();
    const { free, baseMs, maxMs } = this.#limits;
    const count = (this.#current(residentId)?.count ?? 0) + 1;
    const waitMs = count < free ? 0 : Math.min(maxMs, baseMs * 2 ** (count - free));
    // Re-inserted, so the map stays in last-failure order for the bound.
    this.#failures.delete(residentId);
    this.#failures.set(residentId, { count, lastAt: now, until: now + waitMs });
    if (this.#failures.size > MAX_RESIDENTS) {
      const oldest = this.#failures.keys().next().value;
      if (oldest !== undefined) this.#failures.delete(oldest);
    }
    return { failures: count, waitMs };
  }

  /** Wrong PINs left before the next pause (0 while one runs). */
  triesLeft(residentId: string): number {
    const count = this.#current(residentId)?.count ?? 0;
    return Math.max(0, this.#limits.free - count);
  }

  succeeded(residentId: string): void {
    this.#failures.delete(residentId);
  }

  #current(residentId: string): Failures | undefined {
    const f = this.#failures.get(residentId);
    if (f && this.#clock.monotonic() - f.lastAt >= this.#limits.forgetAfterMs) {
      this.#failures.delete(residentId);
      return undefined;
    }
    return f;
  }
}
