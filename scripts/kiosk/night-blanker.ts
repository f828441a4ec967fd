/**
 * Screen blanking at night: between `from` and `to` (local time) the screen goes dark once nobody has
 * touched it for `idleSeconds`, and a touch wakes it. By day it stays lit. Idle and activity come from
 * the compositor (swayidle, idle-watch.ts); the time of day from the Clock.
 *
 * The touch that wakes the screen must not press what is under the finger in the dark (a Ring button):
 * input is ignored before the screen goes dark, and accepted again only a moment after it is lit — a
 * wake-up tap is over by then, and its lone finger-up makes no click.
 */
import { localWeekTime } from '../../cloud-sync/protocol/schedule.ts';
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { Screen } from './backlight.ts';

/** Input stays ignored this long after a touch lit the screen. */
export const WAKE_GRACE_MS = 700;
/** How often the blanker looks at the clock (night starting while idle, night ending while dark). */
export const SCHEDULE_CHECK_MS = 30_000;

export interface NightSchedule {
  /** Minutes after local midnight. */
  fromMinute: number;
  toMinute: number;
  timeZone: string;
}

/** Whether the minute of day is in the night: wraps past midnight when from > to; all day when equal. */
export function isNight(schedule: NightSchedule, epochMs: number): boolean {
  const { fromMinute, toMinute } = schedule;
  if (fromMinute === toMinute) return true;
  const minute = localWeekTime(epochMs, schedule.timeZone).minute;
  return fromMinute < toMinute
    ? minute >= fromMinute && minute < toMinute
    : minute >= fromMinute || minute < toMinute;
}

export interface InputGuard {
  setIgnoreInput(ignore: boolean): Promise<void>;
}

export class NightBlanker {
  readonly #clock: Clock;
  readonly #schedule: NightSchedule;
  readonly #screen: Screen;
  readonly #input: InputGuard;
  readonly #log: Logger;
  #idle = false;
  #dark = false;
  #checkTimer: TimerHandle | undefined;
  #graceTimer: TimerHandle | undefined;
  #stopped = true;

  constructor(deps: {
    clock: Clock;
    schedule: NightSchedule;
    screen: Screen;
    input: InputGuard;
    log: Logger;
  }) {
    this.#clock = deps.clock;
    this.#schedule = deps.schedule;
    this.#screen = deps.screen;
    this.#input = deps.input;
    this.#log = deps.log;
  }

  get dark(): boolean {
    return this.#dark;
  }

  start(): void {
    this.#stopped = false;
    // The screen may have been left dark by a kiosk that was killed at night.
    this.#screen.setDark(false);
    this.#scheduleCheck();
  }

  /** Nobody has touched the screen for idleSeconds. */
  idle(): void {
    this.#idle = true;
    this.#evaluate();
  }

  /** A touch (or key) after an idle period. */
  active(): void {
    this.#idle = false;
    if (!this.#dark) return;
    this.#light();
    this.#clock.clearTimeout(this.#graceTimer);
    this.#graceTimer = this.#clock.setTimeout(() => this.#guard(false), WAKE_GRACE_MS);
  }

  /** Lights the screen and accepts input: the kiosk is ending. */
  stop(): void {
    this.#stopped = true;
    this.#clock.clearTimeout(this.#checkTimer);
    this.#clock.clearTimeout(this.#graceTimer);
    if (this.#dark) this.#light();
    this.#guard(false);
  }

  #evaluate(): void {
    if (this.#stopped) return;
    const night = isNight(this.#schedule, this.#clock.now());
    if (!this.#dark && this.#idle && night) {
      void this.#goDark();
    } else if (this.#dark && !night) {
      this.#light();
      this.#guard(false);
    }
  }

  /** The guard first, the backlight once the page ignores input: no touch lands in the dark. */
  async #goDark(): Promise<void> {
    this.#dark = true;
    this.#clock.clearTimeout(this.#graceTimer);
    await this.#input.setIgnoreInput(true).catch(() => {});
    // A touch or the end of the night may have come meanwhile.
    if (!this.#dark || this.#stopped) return;
    this.#screen.setDark(true);
    this.#log.info('screen dark for the night (a touch wakes it)');
  }

  #light(): void {
    this.#dark = false;
    this.#screen.setDark(false);
    this.#log.info('screen lit');
  }

  #guard(ignore: boolean): void {
    void this.#input.setIgnoreInput(ignore);
  }

  #scheduleCheck(): void {
    this.#checkTimer = this.#clock.setTimeout(() => {
      this.#evaluate();
      if (!this.#stopped) this.#scheduleCheck();
    }, SCHEDULE_CHECK_MS);
  }
}
