/**
 * Returns the page home when nobody has touched it for a while on a screen that is not a call: the next
 * visitor finds the start screen in the building's language, not the last one's half-typed search in
 * large Swedish text. Counts on the page's clock (../clock.ts), restarted by every touch, click or key.
 */
import type { PageClock } from '../clock.ts';

const INPUT_EVENTS = ['pointerdown', 'keydown', 'input', 'wheel'] as const;

export class IdleTimer {
  readonly #clock: PageClock;
  readonly #ms: number;
  readonly #onIdle: () => void;
  #cancel: (() => void) | undefined;
  #held = false;

  constructor(clock: PageClock, ms: number, onIdle: () => void) {
    this.#clock = clock;
    this.#ms = ms;
    this.#onIdle = onIdle;
  }

  /** Listens for the visitor's input on `target` (the document) and starts counting. */
  start(target: EventTarget): void {
    for (const type of INPUT_EVENTS)
      target.addEventListener(type, () => this.touched(), { capture: true, passive: true });
    this.touched();
  }

  touched(): void {
    this.#cancel?.();
    this.#cancel = this.#held ? undefined : this.#clock.after(this.#ms, () => this.#fire());
  }

  /** A call screen holds the timer; released, it counts afresh from now. */
  hold(held: boolean): void {
    if (held === this.#held) return;
    this.#held = held;
    this.touched();
  }

  #fire(): void {
    this.#cancel = undefined;
    this.#onIdle();
  }
}
