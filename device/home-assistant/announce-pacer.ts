/**
 * Paces the panel's full announcement (discovery and every state, ~30 retained messages). Home
 * Assistant asks for it by publishing `online` on its status topic — and so can anyone else who may
 * publish there, as often as they like. Announcements therefore run at most once per interval: a request
 * inside the interval is answered once, at its end, however many came in.
 */
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';

export const ANNOUNCE_MIN_INTERVAL_MS = 2000;

export class AnnouncePacer {
  readonly #clock: Clock;
  readonly #announce: () => void;
  #lastAt: number | undefined;
  #pending: TimerHandle | undefined;

  constructor(clock: Clock, announce: () => void) {
    this.#clock = clock;
    this.#announce = announce;
  }

  /** Announces now, or once at the end of the current interval. */
  request(): void {
    if (this.#pending) return;
    const now = this.#clock.monotonic();
    const wait = this.#lastAt === undefined ? 0 : this.#lastAt + ANNOUNCE_MIN_INTERVAL_MS - now;
    if (wait <= 0) {
      this.#run();
      return;
    }
    this.#pending = this.#clock.setTimeout(() => {
      this.#pending = undefined;
      this.#run();
    }, wait);
  }

  stop(): void {
    this.#clock.clearTimeout(this.#pending);
    this.#pending = undefined;
  }

  #run(): void {
    this.#lastAt = this.#clock.monotonic();
    this.#announce();
  }
}
