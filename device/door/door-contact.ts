import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import type { DoorAlarms } from './door-alarms.ts';
import type { DoorAudit } from './door-audit.ts';
import type { UnlockKind } from './types.ts';

export interface DoorContactOptions {
  clock: Clock;
  audit: DoorAudit;
  alarms: DoorAlarms;
  heldOpenAfterS: number;
  /** What authorizes an opening happening now (a running pulse, a recent exit press), if anything. */
  authorizedBy: () => UnlockKind | undefined;
  /** Told after each opening and closing is recorded (the controller tracks passages for relock-on-close). */
  onOpened: () => void;
  onClosed: () => void;
  /** Wraps the held-open timer callback so it is guarded like any other input. */
  guard: (what: string, fn: () => void) => () => void;
}

/**
 * The door contact (active = open): door.opened/closed events, forced-open for openings nobody
 * authorized, held-open for authorized openings that last too long. Both alarms clear on close.
 */
export class DoorContact {
  readonly #o: DoorContactOptions;
  #open: boolean | null = null;
  #openedAt = 0;
  #heldTimer: TimerHandle | undefined;

  constructor(options: DoorContactOptions) {
    this.#o = options;
  }

  get open(): boolean | null {
    return this.#open;
  }

  /**
   * The level read at start. A door found open is reported but not called forced (its cause is unknown);
   * the held-open timer still runs so a door left standing open gets flagged. Found closed, stale alarms
   * from before a restart are cleared.
   */
  initial(open: boolean | null): void {
    if (open === null) return;
    if (!open) {
      this.#open = false;
      this.#clearAlarms();
      return;
    }
    if (this.#open !== true) {
      this.#open = true;
      this.#openedAt = this.#o.clock.monotonic();
      this.#o.audit.report('door.opened', { atStart: true });
    }
    this.#startHeldTimer();
  }

  change(open: boolean): void {
    if (open === this.#open) return;
    this.#open = open;
    const now = this.#o.clock.monotonic();
    if (open) {
      this.#openedAt = now;
      const by = this.#o.authorizedBy();
      this.#o.audit.report('door.opened', { authorized: by !== undefined, by: by ?? null });
      if (by) this.#startHeldTimer();
      else this.#o.alarms.raise('forced_open');
      this.#o.onOpened();
      return;
    }
    this.stop();
    this.#o.audit.report('door.closed', { openMs: now - this.#openedAt });
    this.#clearAlarms();
    this.#o.onClosed();
  }

  /** Cancels the held-open timer; the last known level stays readable. */
  stop(): void {
    this.#o.clock.clearTimeout(this.#heldTimer);
    this.#heldTimer = undefined;
  }

  #clearAlarms(): void {
    this.#o.alarms.clear('forced_open');
    this.#o.alarms.clear('held_open');
  }

  #startHeldTimer(): void {
    this.stop();
    const afterS = this.#o.heldOpenAfterS;
    this.#heldTimer = this.#o.clock.setTimeout(
      this.#o.guard('held-open timer', () => {
        this.#heldTimer = undefined;
        this.#o.alarms.raise('held_open', { heldOpenAfterS: afterS });
      }),
      afterS * 1000,
    );
  }
}
