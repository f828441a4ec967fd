/**
 * Single use for signed commands: a nonce is accepted once until its command expires. Backed by a
 * NonceStore port so a replay after a reboot inside the 60 s window is still caught (the panel persists
 * nonces in SQLite). Bounded: accepted commands expire within ~65 s, and when more than `maxEntries` are
 * alive at once new commands are refused rather than evicting a live nonce, which would reopen replays.
 */
import { CLOCK_SKEW_MS } from '../protocol/signing.ts';
import type { NonceStore } from './ports.ts';

export const DEFAULT_MAX_NONCES = 10_000;

export type NonceVerdict = 'accepted' | 'replayed' | 'full';

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
    if (this.#store.count() >= this.#max) return 'full';
    return this.#store.remember(nonce, expiresAt) ? 'accepted' : 'replayed';
  }
}

/** A NonceStore in memory (tests, and panels without persistence). */
export class MemoryNonceStore implements NonceStore {
  readonly #nonces = new Map<string, number>();

  has(nonce: string): boolean {
    return this.#nonces.has(nonce);
  }

  remember(nonce: string, expiresAt: number): boolean {
    if (this.#nonces.has(nonce)) return false;
    this.#nonces.set(nonce, expiresAt);
    return true;
  }

  prune(now: number): void {
    for (const [nonce, expiresAt] of this.#nonces) if (expiresAt <= now) this.#nonces.delete(nonce);
  }

  count(): number {
    return this.#nonces.size;
  }
}
