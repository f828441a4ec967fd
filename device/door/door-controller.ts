/**
 * One door: drives its lock relay in bounded, audited pulses and turns its contact, exit button and
 * tamper inputs into door events and alarms.
 *
 * Safety rules kept here and in LockPulse:
 * - An unlock is written to the audit log (`door.unlocked`) before the relay moves; if that write fails
 *   the relay is not touched. DoorOpener commits that row with the decision it cites, in one
 *   transaction, for every cause but one. Locking goes the other way: relay first, audit after, and a
 *   failed write never delays it.
 * - The exception is egress: an exit press releases the door first and records the press and its
 *   `door.unlocked` after, so nothing the storage does (full, failing, slow) keeps anyone in.
 * - Every unlock is a pulse of at most MAX_PULSE_MS from the latest audited unlock; nothing holds the
 *   door unlocked without new decisions.
 * - Input and timer callbacks never throw; on an unexpected error the door is relocked.
 */

import type { DigitalInput, Relay } from '../../hal/gpio/types.ts';
import type { Clock } from '../../lib/clock/clock.ts';
import { errorMessage, HardwareError, PortvaktError } from '../../lib/errors.ts';
import { type Listener, SafeEmitter } from '../../lib/events.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AuditLog } from '../audit/types.ts';
import type { DoorConfig } from '../config/schema.ts';
import { DoorAlarms } from './door-alarms.ts';
import { DoorAudit } from './door-audit.ts';
import { DoorContact } from './door-contact.ts';
import { LockDrive } from './lock-drive.ts';
import { LockPulse } from './lock-pulse.ts';
import type {
  DoorControllerEvents,
  DoorState,
  PreparedUnlock,
  UnlockCause,
  UnlockKind,
  UnlockResult,
} from './types.ts';
import { checkUnlockCause } from './unlock-cause.ts';

export interface DoorControllerOptions {
  door: DoorConfig;
  relay: Relay;
  exitButton?: DigitalInput | undefined;
  doorContact?: DigitalInput | undefined;
  tamper?: DigitalInput | undefined;
  clock: Clock;
  audit: AuditLog;
  logger: Logger;
  /**
   * Relock as soon as the door closes after having been opened during the pulse, instead of waiting for
   * the pulse to run out. Off by default: whether it is safe depends on the contact and the door closer
   * (a bouncing door can relock on the person still passing), so it is an installer's choice.
   */
  relockOnClose?: boolean | undefined;
}

export class DoorController {
  readonly id: string;
  readonly #door: DoorConfig;
  readonly #drive: LockDrive;
  readonly #inputs: Pick<DoorControllerOptions, 'exitButton' | 'doorContact' | 'tamper'>;
  readonly #clock: Clock;
  readonly #log: Logger;
  /** The panel's log itself: an exit press commits its decision there with the door's unlock. */
  readonly #auditLog: AuditLog;
  readonly #alarms: DoorAlarms;
  readonly #audit: DoorAudit;
  readonly #pulse: LockPulse;
  readonly #contact: DoorContact;
  readonly #emitter: SafeEmitter<DoorControllerEvents>;

  #started = false;
  #unsubscribe: Array<() => void> = [];
  /** An exit press authorizes the opening for one pulse even if its unlock failed (mechanical egress). */
  #exitShuntUntil = Number.NEGATIVE_INFINITY;
  #lastEmitted = '';

  constructor(options: DoorControllerOptions) {
    const { door, clock } = options;
    this.id = door.id;
    this.#door = door;
    this.#drive = new LockDrive(options.relay, door.failMode);
    this.#inputs = {
      exitButton: options.exitButton,
      doorContact: options.doorContact,
      tamper: options.tamper,
    };
    this.#clock = clock;
    this.#log = options.logger.child({ doorId: door.id });
    this.#auditLog = options.audit;
    this.#audit = new DoorAudit({ audit: options.audit, doorId: door.id, log: this.#log });
    this.#alarms = new DoorAlarms(this.#audit, () => clock.monotonic());
    const guard = (what: string, fn: () => void) => this.#guard(what, fn);
    this.#pulse = new LockPulse({
      drive: this.#drive,
      clock,
      audit: this.#audit,
      alarms: this.#alarms,
      log: this.#log,
      running: () => this.#started,
      guard,
    });
    const relockOnClose = options.relockOnClose ?? false;
    this.#contact = new DoorContact({
      clock,
      audit: this.#audit,
      alarms: this.#alarms,
      heldOpenAfterS: door.heldOpenAfterS,
      authorizedBy: () => this.#authorizedBy(),
      onOpened: () => this.#pulse.markOpened(),
      onClosed: () => {
        if (relockOnClose && this.#pulse.openedDuringPulse) this.#pulse.relock('closed');
      },
      guard,
    });
    this.#emitter = new SafeEmitter((event, err) =>
      this.#log.error({ err, event }, `door state listener threw: ${errorMessage(err)}`),
    );
  }

  /** Subscribes to state changes (sent only when the state differs from the last one sent). */
  on<K extends keyof DoorControllerEvents>(
    event: K,
    listener: Listener<DoorControllerEvents[K]>,
  ): () => void {
    return this.#emitter.on(event, listener);
  }

  state(): DoorState {
    const state: DoorState = {
      id: this.id,
      name: this.#door.name,
      locked: this.#drive.isLocked(),
      open: this.#contact.open,
      alarms: this.#alarms.list(),
    };
    const until = this.#pulse.unlockedUntil;
    if (until !== undefined) state.unlockedUntil = until;
    return state;
  }

  /**
   * Drives the relay locked now, ending any pulse. Idempotent and usable before start(), so main can
   * secure every door before anything else runs. Throws HardwareError if the relay refuses.
   */
  lockNow(): void {
    this.#lockOrThrow('lock_now');
  }

  /** Locks first, then watches the inputs. Throws (and stays stopped) if the relay cannot be locked. */
  start(): void {
    if (this.#started) return;
    if (!this.#pulse.relock('start')) {
      this.#changed();
      throw new HardwareError(`door ${this.id}: relay did not lock`);
    }
    this.#started = true;
    this.#watchInputs();
    this.#changed();
  }

  /** Leaves the door locked with no timers or input subscriptions. Throws HardwareError if the relay refuses. */
  stop(): void {
    this.#started = false;
    for (const off of this.#unsubscribe.splice(0)) {
      try {
        off();
      } catch (err) {
        this.#log.warn({ err }, 'input unsubscribe failed');
      }
    }
    this.#contact.stop();
    this.#exitShuntUntil = Number.NEGATIVE_INFINITY;
    this.#lockOrThrow('stopped');
  }

  /**
   * Unlocks for one bounded pulse, or extends the running pulse (never shortens it), citing a decision
   * already committed. The panel's causes go through DoorOpener instead, which commits the decision and
   * `door.unlocked` together; this is prepareUnlock and drive in one step. Throws with the relay untouched
   * when the door is not running, the cause is invalid (ValidationError) or `door.unlocked` cannot be
   * written (AuditWriteError); throws HardwareError, door relocked, when the relay refuses.
   */
  unlock(cause: UnlockCause): UnlockResult {
    return this.prepareUnlock(cause).drive();
  }

  /**
   * The first step of an unlock, for a caller that commits `door.unlocked` in its own audit transaction:
   * writes the row (relay untouched); the returned `drive` moves the relay and must be called only after
   * that transaction has committed.
   */
  prepareUnlock(cause: UnlockCause): PreparedUnlock {
    const recorded = this.#pulse.record(cause.kind, cause.eventSeq, this.#checkedPulseMs(cause));
    return {
      drive: () => {
        try {
          return this.#pulse.drive(recorded);
        } finally {
          this.#changed();
        }
      },
    };
  }

  #checkedPulseMs(cause: UnlockCause): number {
    if (!this.#started) throw new PortvaktError('door_stopped', `door ${this.id} is not running`);
    return checkUnlockCause(cause, this.#door.pulseMs);
  }

  #lockOrThrow(reason: string): void {
    const locked = this.#pulse.relock(reason);
    this.#changed();
    if (!locked) throw new HardwareError(`door ${this.id}: relay did not lock`);
  }

  #watchInputs(): void {
    const { exitButton, doorContact, tamper } = this.#inputs;
    if (doorContact) {
      this.#contact.initial(this.#read(doorContact));
      const onChange = this.#guard('door contact', (c: { active: boolean }) =>
        this.#contact.change(c.active),
      );
      this.#unsubscribe.push(doorContact.onChange(onChange));
    }
    if (exitButton) {
      this.#unsubscribe.push(exitButton.onChange(this.#guard('exit button', (c) => this.#onExit(c.active))));
    }
    if (tamper) {
      const active = this.#read(tamper);
      if (active !== null) this.#onTamper(active);
      this.#unsubscribe.push(tamper.onChange(this.#guard('tamper', (c) => this.#onTamper(c.active))));
    }
  }

  #authorizedBy(): UnlockKind | undefined {
    return this.#pulse.kind ?? (this.#clock.monotonic() < this.#exitShuntUntil ? 'exit_button' : undefined);
  }

  /**
   * Egress never waits on storage: the relay releases first, for one bounded pulse, and only then are
   * `door.exit_requested` and the `door.unlocked` citing it recorded, in one transaction — held in memory
   * by a degraded audit log, or lost with an error logged if even that fails; the door has opened either
   * way. The shunt set first keeps a door pushed open by hand (mechanical egress) from counting as forced.
   */
  #onExit(pressed: boolean): void {
    if (!pressed) return;
    const pulseMs = this.#door.pulseMs;
    this.#exitShuntUntil = this.#clock.monotonic() + pulseMs;
    if (!this.#started) return;
    const released = this.#pulse.plan('exit_button', pulseMs);
    try {
      this.#pulse.drive(released);
    } finally {
      this.#changed();
    }
    const { unlockedUntil, extended } = released;
    try {
      this.#auditLog.transaction(() => {
        const request = this.#auditLog.append({ type: 'door.exit_requested', doorId: this.id, data: {} });
        const data = {
          cause: 'exit_button' as const,
          decisionSeq: request.seq,
          pulseMs,
          unlockedUntil,
          extended,
        };
        this.#audit.required('door.unlocked', data);
      });
    } catch (err) {
      this.#log.error(
        { err },
        `exit press released the door but could not be recorded: ${errorMessage(err)}`,
      );
    }
  }

  #onTamper(active: boolean): void {
    if (active) this.#alarms.raise('tamper');
    else this.#alarms.clear('tamper');
  }

  #read(input: DigitalInput): boolean | null {
    try {
      return input.isActive();
    } catch (err) {
      this.#log.error({ err, input: input.name }, 'input level unreadable');
      return null;
    }
  }

  /** Wraps input and timer callbacks: they never throw, a failure relocks, and every change is streamed. */
  #guard<A extends unknown[]>(what: string, fn: (...args: A) => void): (...args: A) => void {
    return (...args: A) => {
      try {
        fn(...args);
      } catch (err) {
        this.#log.error({ err }, `${what} failed: ${errorMessage(err)}; relocking`);
        try {
          this.#pulse.relock('internal_error');
        } catch (lockErr) {
          this.#log.error({ err: lockErr }, 'relock after failure threw');
        }
      }
      this.#changed();
    };
  }

  #changed(): void {
    const state = this.state();
    const key = JSON.stringify(state);
    if (key === this.#lastEmitted) return;
    this.#lastEmitted = key;
    this.#emitter.emit('change', state);
  }
}
