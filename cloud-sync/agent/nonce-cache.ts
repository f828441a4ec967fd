/**
 * Single use for signed commands: a nonce is accepted once until its command expires. Backed by a
 * NonceStore port so a replay after a reboot inside the 60 s window is still caught (the panel persists
 * nonces in SQLite). Bounded: accepted commands expire within ~65 s, and when more than `maxEntries` are
 * alive at once new commands are refused rather than evicting a live nonce, which would reopen replays.
 *
 * Pruning goes by the wall clock, which can be stepped back (NTP after a bad RTC, an operator). A nonce
 * pruned at 12:01 would be valid again if the clock went back to 12:00. So the store keeps a horizon, the
 * latest expiry it ever forgot (persisted), and a command expiring at or before it is refused ('stale')
 * whatever the clock says: forgetting a nonce never revives its command. The horizon is an expiry the
 * hub issued, not the panel's clock: a clock stepped far forward and back refuses only commands older
 * than the last real one it forgot, not every command until that far-off time.
 */
import { CLOCK_SKEW_MS } from '../protocol/signing.ts';
import type { NonceStore } from './ports.ts';

export const DEFAULT_MAX_NONCES = 10_000;

export type NonceVerdict = 'accepted' | 'replayed' | 'stale' | 'full';

export class NonceCache {
  readonly #store: NonceStore;
  readonly #max: number;

  constructor(store: NonceStore, maxEntries = DEFAULT_MAX_NONCES) {
    this.#store = store;
    this.#max = maxEntries;
  }

  accept(nonce: string, expiresAt: number, now: number): NonceVerdict {
    // Kept a little past expiry, so a small backward clock step cannot revive a used command.
    this.#store.prune(now - CLOCK_SKEW_MS);
    if (this.#store.has(nonce)) return 'replayed';
    if (expiresAt <= this.#store.horizon()) return 'stale';
    if (this.#store.count() >= this.#max) return 'full';
    return this.#store.remember(nonce, expiresAt) ? 'accepted' : 'replayed';
  }
}

/** A NonceStore in memory (tests, and panels without persistence). */
export class MemoryNonceStore implements NonceStore {
  readonly #nonces = new Map<string, number>();
  #horizon = Number.NEGATIVE_INFINITY;

  has(nonce: string): boolean {
    return this.#nonces.has(nonce);
  }

  remember(nonce: string, expiresAt: number): boolean {
    if (this.#nonces.has(nonce)) return false;
    this.#nonces.set(nonce, expiresAt);
    return true;
  }

  prune(now: number): void {
    for (const [nonce, expiresAt] of this.#nonces) {
      if (expiresAt > now) continue;
      this.#horizon = Math.max(this.#horizon, expiresAt);
      this.#nonces.delete(nonce);
    }
  }

  horizon(): number {
    return this.#horizon;
  }

  count(): number {
    return this.#nonces.size;
  }
}
