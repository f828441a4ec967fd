/**
 * Logs an unattended console out. The hub ends a session after 30 idle minutes, but the live screens
 * (panel status every few seconds) use the session on their own, so to the hub a console left open on
 * them never idles. This counts only the administrator's own input: 30 minutes without a key, click or
 * touch ends the session here, as the hub would.
 */
const IDLE_MS = 30 * 60_000;
const CHECK_MS = 30_000;
const INPUT_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

export class IdleWatch {
  #last = Date.now();
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #onIdle: () => void;
  readonly #seen = () => {
    this.#last = Date.now();
  };

  constructor(onIdle: () => void) {
    this.#onIdle = onIdle;
  }

  start(): void {
    this.stop();
    this.#last = Date.now();
    for (const type of INPUT_EVENTS)
      window.addEventListener(type, this.#seen, { passive: true, capture: true });
    this.#timer = setInterval(() => {
      if (Date.now() - this.#last < IDLE_MS) return;
      this.stop();
      this.#onIdle();
    }, CHECK_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const type of INPUT_EVENTS) window.removeEventListener(type, this.#seen, { capture: true });
  }
}
