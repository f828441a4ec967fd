import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';

export type KeyframeReason = 'peer-connected' | 'video-resumed' | 'pli' | 'fir';

/**
 * Keyframe requests to the one encoder every viewer shares. A keyframe costs several times a normal
 * frame for all viewers, so requests at most every `minIntervalMs`; one that comes too soon is not
 * dropped but coalesced into a single request at the end of the interval, because the viewer who asked
 * may have joined just after the last keyframe went out.
 */
export class KeyframeRequester {
  readonly #clock: Clock;
  readonly #minIntervalMs: number;
  readonly #send: () => void;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #pending: TimerHandle | undefined;
  readonly requested: Record<KeyframeReason, number> = {
    'peer-connected': 0,
    'video-resumed': 0,
    pli: 0,
    fir: 0,
  };
  sent = 0;

  constructor(options: { clock: Clock; minIntervalMs: number; send: () => void }) {
    this.#clock = options.clock;
    this.#minIntervalMs = options.minIntervalMs;
    this.#send = options.send;
  }

  request(reason: KeyframeReason): void {
    this.requested[reason]++;
    if (this.#pending) return;
    const wait = this.#lastSentAt + this.#minIntervalMs - this.#clock.monotonic();
    if (wait <= 0) {
      this.#fire();
      return;
    }
    this.#pending = this.#clock.setTimeout(() => {
      this.#pending = undefined;
      this.#fire();
    }, wait);
  }

  close(): void {
    this.#clock.clearTimeout(this.#pending);
    this.#pending = undefined;
  }

  #fire(): void {
    this.#lastSentAt = this.#clock.monotonic();
    this.sent++;
    this.#send();
  }
}
