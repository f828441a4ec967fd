import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import { errorMessage, HardwareError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { AuditWriteError } from '../audit/audit-write-error.ts';
import type { DoorAlarms } from './door-alarms.ts';
import type { DoorAudit } from './door-audit.ts';
import type { LockDrive } from './lock-drive.ts';
import type { UnlockKind, UnlockResult } from './types.ts';

/** How often a relay that refused to lock is driven again. */
export const RELAY_RETRY_MS = 1000;

export interface LockPulseOptions {
  drive: LockDrive;
  clock: Clock;
  audit: DoorAudit;
  alarms: DoorAlarms;
  log: Logger;
  /** Lock retries are scheduled only while this says the door is running (a stopped door keeps no timers). */
  running: () => boolean;
  /** Wraps timer callbacks so they never throw and their changes are streamed. */
  guard: (what: string, fn: () => void) => () => void;
}

/** A `door.unlocked` row written for a pulse the relay has not started yet (see record/drive). */
export interface RecordedUnlock extends UnlockResult {
  kind: UnlockKind;
  untilMono: number;
}

interface Pulse {
  kind: UnlockKind;
  timer: TimerHandle;
  untilMono: number;
  untilWall: number;
  /** The door was opened during this pulse (relock-on-close only relocks after a passage). */
  opened: boolean;
}

/**
 * The relay side of a door: bounded unlock pulses and relocking. Unlock is audit first, relay second;
 * lock is relay first, audit after, and a lock the relay refuses raises relay_fault and is retried.
 */
export class LockPulse {
  readonly #o: LockPulseOptions;
  #pulse: Pulse | undefined;
  #retry: TimerHandle | undefined;

  constructor(options: LockPulseOptions) {
    this.#o = options;
  }

  get active(): boolean {
    return this.#pulse !== undefined;
  }

  get kind(): UnlockKind | undefined {
    return this.#pulse?.kind;
  }

  get unlockedUntil(): number | undefined {
    return this.#pulse?.untilWall;
  }

  get openedDuringPulse(): boolean {
    return this.#pulse?.opened ?? false;
  }

  markOpened(): void {
    if (this.#pulse) this.#pulse.opened = true;
  }

  /**
   * The first half of an unlock of `pulseMs` (already validated and clamped): writes `door.unlocked` and
   * nothing else. Inside an audit transaction (DoorOpener commits the decision and this row with one
   * fsync) the caller drives only after the commit. Throws AuditWriteError if the row cannot be written.
   */
  record(kind: UnlockKind, decisionSeq: number, pulseMs: number): RecordedUnlock {
    const planned = this.plan(kind, pulseMs);
    const { unlockedUntil, extended } = planned;
    try {
      const data = { cause: kind, decisionSeq, pulseMs, unlockedUntil, extended };
      const { seq } = this.#o.audit.required('door.unlocked', data);
      return { ...planned, seq };
    } catch (err) {
      throw new AuditWriteError('door stays locked: the unlock could not be recorded', { cause: err });
    }
  }

  /** When a pulse of `pulseMs` starting now would end (never before the running one), unrecorded (seq 0). */
  plan(kind: UnlockKind, pulseMs: number): RecordedUnlock {
    const { clock } = this.#o;
    const now = clock.monotonic();
    const untilMono = Math.max(now + pulseMs, this.#pulse?.untilMono ?? now);
    const unlockedUntil = clock.now() + (untilMono - now);
    return { kind, seq: 0, pulseMs, unlockedUntil, extended: this.#pulse !== undefined, untilMono };
  }

  /**
   * The second half: the relay, then the pulse timer. Starts the pulse, or extends the running one to end
   * no earlier than the recorded end (never shortens it).
   */
  drive(recorded: RecordedUnlock): UnlockResult {
    const { clock, log } = this.#o;
    const { kind, seq, pulseMs, unlockedUntil, extended } = recorded;
    try {
      this.#o.drive.unlock();
    } catch (err) {
      log.error({ err }, 'relay did not unlock; relocking');
      this.relock('relay_error', true);
      throw new HardwareError('relay did not unlock', { cause: err });
    }
    // A lock retry left over from an earlier fault must not cut short the pulse just granted.
    this.#cancelRetry();
    clock.clearTimeout(this.#pulse?.timer);
    // A running pulse may have been extended since this was recorded: never shorten it.
    const untilMono = Math.max(recorded.untilMono, this.#pulse?.untilMono ?? recorded.untilMono);
    const timer = clock.setTimeout(
      this.#o.guard('pulse end', () => this.relock('pulse_end')),
      Math.max(0, untilMono - clock.monotonic()),
    );
    const opened = this.#pulse?.opened ?? false;
    this.#pulse = { kind, timer, untilMono, untilWall: unlockedUntil, opened };
    return { seq, pulseMs, unlockedUntil, extended };
  }

  /**
   * Ends any pulse and drives the relay locked; `door.locked` is recorded when a pulse (or a failed lock)
   * is being ended. Returns whether the relay accepted the command.
   */
  relock(reason: string, record = this.#pulse !== undefined): boolean {
    const { clock, alarms, log } = this.#o;
    clock.clearTimeout(this.#pulse?.timer);
    this.#pulse = undefined;
    this.#cancelRetry();
    try {
      this.#o.drive.lock();
    } catch (err) {
      log.error({ err, reason }, 'relay did not lock');
      alarms.raise('relay_fault', { error: errorMessage(err) });
      if (this.#o.running()) {
        this.#retry = clock.setTimeout(
          this.#o.guard('relay retry', () => this.relock(reason, true)),
          RELAY_RETRY_MS,
        );
      }
      return false;
    }
    if (record) this.#o.audit.report('door.locked', { reason });
    alarms.clear('relay_fault');
    return true;
  }

  #cancelRetry(): void {
    this.#o.clock.clearTimeout(this.#retry);
    this.#retry = undefined;
  }
}
