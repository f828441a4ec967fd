/**
 * Readers report a card again when it is lifted and put back, and people tap twice. Deciding (and
 * auditing, and pulsing the relay) once per window is enough. The window runs from the last decided tap,
 * not the last tap, so someone tapping again and again still gets a fresh decision every window.
 */
import type { Clock } from '../../lib/clock/clock.ts';

export interface TapRateLimiterOptions {
  clock: Clock;
  /** 0 disables rate limiting. */
  windowMs: number;
  /** Upper bound on remembered taps; the oldest go first. */
  maxEntries?: number;
}

export class TapRateLimiter {
  readonly #clock: Clock;
  readonly #windowMs: number;
  readonly #maxEntries: number;
  /** key → monotonic ms of the last decided tap. Insertion order is time order (entries are re-inserted). */
  readonly #lastDecided = new Map<string, number>();

  constructor(options: TapRateLimiterOptions) {
    this.#clock = options.clock;
    this.#windowMs = Math.max(0, options.windowMs);
    this.#maxEntries = Math.max(1, options.maxEntries ?? 1024);
  }

  /** True if this card tapped this reader less than the window ago; otherwise records the tap as decided. */
  isRepeat(readerId: string, uid: string): boolean {
    if (this.#windowMs === 0) return false;
    const now = this.#clock.monotonic();
    this.#evictExpired(now);
    const key = `${readerId}\n${uid}`;
    const last = this.#lastDecided.get(key);
    if (last !== undefined && now - last < this.#windowMs) return true;
    this.#lastDecided.delete(key);
    this.#lastDecided.set(key, now);
    if (this.#lastDecided.size > this.#maxEntries) {
      const oldest = this.#lastDecided.keys().next();
      if (!oldest.done) this.#lastDecided.delete(oldest.value);
    }
    return false;
  }

  /** Remembered taps (for tests and metrics). */
  get size(): number {
    return this.#lastDecided.size;
  }

  #evictExpired(now: number): void {
    for (const [key, at] of this.#lastDecided) {
      if (now - at < this.#windowMs) break;
      this.#lastDecided.delete(key);
    }
  }
}
