/**
 * The panel's short memory of card taps, so the screen can name a tap without naming the card: each
 * decided tap gets a random tapId (sent to the page with the card feedback); the resident sign-in at the
 * panel later asks whose tap that was. Nothing here is persisted and nothing is derived from the card's
 * UID: a tapId is worthless a minute later, after a restart, or to anyone who never saw the screen.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock/clock.ts';

/** How long a tap is remembered, and how many at most (the oldest go first). */
export const RECENT_TAP_KEEP_MS = 60_000;
export const MAX_RECENT_TAPS = 32;

export interface RecentTap {
  /** Set only for a granted tap: a refused card (revoked, blocked, expired…) signs nobody in. */
  residentId?: string;
  cardId?: string;
  granted: boolean;
  /** Wall time of the decision (ms). */
  at: number;
}

/** What the resident sign-in needs: the resident whose card was granted in that tap, if it still is recent. */
export interface RecentTapLookup {
  residentOf(tapId: string): string | undefined;
}

interface Entry {
  tap: RecentTap;
  /** Monotonic time after which the tap is forgotten: wall-clock steps cannot stretch its life. */
  until: number;
}

export class RecentTaps implements RecentTapLookup {
  readonly #clock: Clock;
  readonly #keepMs: number;
  readonly #max: number;
  /** Insertion order is age order: the first entry is the oldest. */
  readonly #taps = new Map<string, Entry>();

  constructor(options: { clock: Clock; keepMs?: number; max?: number }) {
    this.#clock = options.clock;
    this.#keepMs = options.keepMs ?? RECENT_TAP_KEEP_MS;
    this.#max = options.max ?? MAX_RECENT_TAPS;
  }

  /** Remembers one decided tap; returns its new random tapId. */
  remember(decision: {
    granted: boolean;
    residentId?: string | undefined;
    cardId?: string | undefined;
  }): string {
    this.#prune();
    while (this.#taps.size >= this.#max) {
      const oldest = this.#taps.keys().next().value;
      if (oldest === undefined) break;
      this.#taps.delete(oldest);
    }
    const tapId = randomUUID();
    const tap: RecentTap = { granted: decision.granted, at: this.#clock.now() };
    if (decision.granted && decision.residentId) tap.residentId = decision.residentId;
    if (decision.granted && decision.cardId) tap.cardId = decision.cardId;
    this.#taps.set(tapId, { tap, until: this.#clock.monotonic() + this.#keepMs });
    return tapId;
  }

  /** The tap, while it is remembered. */
  get(tapId: string): RecentTap | undefined {
    this.#prune();
    const entry = this.#taps.get(tapId);
    return entry ? { ...entry.tap } : undefined;
  }

  residentOf(tapId: string): string | undefined {
    return this.get(tapId)?.residentId;
  }

  get size(): number {
    this.#prune();
    return this.#taps.size;
  }

  #prune(): void {
    const now = this.#clock.monotonic();
    for (const [tapId, entry] of this.#taps) {
      if (entry.until > now) break;
      this.#taps.delete(tapId);
    }
  }
}
