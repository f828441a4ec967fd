/**
 * Refused call messages, counted instead of written one by one. Every audit row is a synchronous commit
 * (an fsync), a live copy and an upload: one per junk message let one resident's login stall card taps
 * for seconds. So, per source (app device):
 *
 * - the first refusal opens a window and is recorded at once as `call.refused`, in full (a real app with
 *   a bug shows up with its reason, as before), and answered;
 * - everything refused or rate-limited after it, until the window closes, is only counted; at the close
 *   one `call.flood` row carries the counts and the first and last reason, and the next window opens;
 *   a window that closes with nothing counted ends the source's state; a window opened by a rate-limited
 *   message (a flood outruns the parsing of what was admitted) writes only its summary;
 * - replies to refusals are rate-limited too (a reply is work a sender makes us do); a rate-limited
 *   message is never answered.
 *
 * A steady flood from one login therefore costs one row per window. Sources are bounded: beyond
 * MAX_SOURCES the rest are counted together under the source "*".
 */

import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { TokenBucket } from '../../lib/token-bucket.ts';
import type { CallAudit } from './types.ts';

/** Sources with a window open at once; the rest share the source "*". */
export const MAX_SOURCES = 256;
/** The source that counts for senders beyond MAX_SOURCES. */
export const OTHER_SOURCES = '*';
/** Replies to refusals, per source: a real app gets its answer, a flood gets a trickle. */
const REPLY_RATE_PER_S = 1;
const REPLY_BURST = 5;
/** Reasons can quote what the sender sent: bounded here, as in every other audit row. */
const MAX_REASON_CHARS = 200;

export interface Refusal {
  callId?: string | undefined;
  type?: string | undefined;
  reason: string;
}

interface Window {
  timer: TimerHandle;
  openedAtMono: number;
  refused: number;
  rateLimited: number;
  firstReason: string | undefined;
  lastReason: string | undefined;
  replies: TokenBucket;
}

export interface RefusalCollapserOptions {
  clock: Clock;
  windowMs: number;
  record: CallAudit;
  logger: Logger;
}

export class RefusalCollapser {
  readonly #o: RefusalCollapserOptions;
  readonly #windows = new Map<string, Window>();

  constructor(options: RefusalCollapserOptions) {
    this.#o = options;
  }

  /** A message was refused after it was read. Returns whether to answer it with `refused` (it names a call). */
  refused(appDeviceId: string, refusal: Refusal): boolean {
    const reason = refusal.reason.slice(0, MAX_REASON_CHARS);
    const source = this.#sourceOf(appDeviceId);
    let window = this.#windows.get(source);
    if (!window) {
      window = this.#open(source);
      this.#o.record('call.refused', {
        appDeviceId: source,
        ...(refusal.callId !== undefined ? { callId: refusal.callId } : {}),
        ...(refusal.type !== undefined ? { type: refusal.type } : {}),
        reason,
      });
    } else {
      window.refused++;
      window.firstReason ??= reason;
      window.lastReason = reason;
    }
    // Only a refusal that names a call is answered, so only those spend the reply budget.
    if (refusal.callId === undefined || window.replies.available() < 1) return false;
    window.replies.take(1);
    return true;
  }

  /** A message was turned away by the rate limits, unread. Never answered. */
  dropped(appDeviceId: string, reason: string): void {
    const source = this.#sourceOf(appDeviceId);
    const window = this.#windows.get(source) ?? this.#open(source);
    window.rateLimited++;
    window.firstReason ??= reason;
    window.lastReason = reason;
  }

  /** Writes what every open window has counted and forgets them (the intercom stops). */
  flush(): void {
    for (const [source, window] of [...this.#windows]) {
      this.#o.clock.clearTimeout(window.timer);
      this.#windows.delete(source);
      this.#summarize(source, window);
    }
  }

  /** Sources with an open window (for tests). */
  get openWindows(): number {
    return this.#windows.size;
  }

  #sourceOf(appDeviceId: string): string {
    if (this.#windows.has(appDeviceId) || this.#windows.size < MAX_SOURCES - 1) return appDeviceId;
    return OTHER_SOURCES;
  }

  #open(source: string): Window {
    const { clock, windowMs } = this.#o;
    const window: Window = {
      timer: clock.setTimeout(() => this.#close(source), windowMs),
      openedAtMono: clock.monotonic(),
      refused: 0,
      rateLimited: 0,
      firstReason: undefined,
      lastReason: undefined,
      replies: new TokenBucket(REPLY_RATE_PER_S, () => clock.monotonic(), REPLY_BURST),
    };
    this.#windows.set(source, window);
    return window;
  }

  #close(source: string): void {
    const window = this.#windows.get(source);
    if (!window) return;
    this.#windows.delete(source);
    if (!this.#summarize(source, window)) return;
    // Still flooding: the next summary comes a window later at the earliest. The reply budget carries over.
    const next = this.#open(source);
    next.replies = window.replies;
  }

  /** Writes the window's `call.flood` row if it counted anything; returns whether it did. */
  #summarize(source: string, window: Window): boolean {
    if (window.refused + window.rateLimited === 0) return false;
    const data = {
      appDeviceId: source,
      refused: window.refused,
      rateLimited: window.rateLimited,
      firstReason: window.firstReason ?? '',
      lastReason: window.lastReason ?? '',
      windowMs: Math.round(this.#o.clock.monotonic() - window.openedAtMono),
    };
    this.#o.logger.warn(data, 'call messages from an app device refused or rate-limited');
    this.#o.record('call.flood', data);
    return true;
  }
}
