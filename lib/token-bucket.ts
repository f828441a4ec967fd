/** A token bucket on the monotonic clock: `ratePerS` sustained, bursts up to `capacity`. */
export class TokenBucket {
  readonly #ratePerS: number;
  readonly capacity: number;
  readonly #now: () => number;
  #tokens: number;
  #at: number;

  constructor(ratePerS: number, now: () => number, capacity = ratePerS) {
    if (!(ratePerS > 0) || !(capacity > 0)) throw new RangeError('rate and capacity must be positive');
    this.#ratePerS = ratePerS;
    this.capacity = capacity;
    this.#now = now;
    this.#tokens = capacity;
    this.#at = now();
  }

  available(): number {
    const now = this.#now();
    this.#tokens = Math.min(this.capacity, this.#tokens + ((now - this.#at) / 1000) * this.#ratePerS);
    this.#at = now;
    return this.#tokens;
  }

  take(n: number): void {
    this.available();
    this.#tokens -= n;
  }

  /** Milliseconds until `n` tokens are available (0 if they are). */
  msUntil(n: number): number {
    const missing = n - this.available();
    return missing <= 0 ? 0 : Math.ceil((missing / this.#ratePerS) * 1000);
  }
}
