/**
 * CommandTarget on the doors and the audit log. A cloud door.open is recorded (`command.executed`) and
 * the door's `door.unlocked`, citing it, commits in the same transaction before the relay moves, through
 * DoorOpener as every other unlock path.
 */
import {
  type CommandTarget,
  type EnrolResult,
  type OpenDoorResult,
  UNKNOWN_DOOR,
} from '../../cloud-sync/agent/ports.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AuditLog } from '../audit/types.ts';
import type { DoorOpener } from '../door/door-opener.ts';
import type { CardEnrolment } from '../taps/card-enrolment.ts';

export interface PanelCommandTargetOptions {
  opener: DoorOpener;
  /** Absent in labs without readers: card.enrol then fails with a reason. */
  enrolment?: CardEnrolment | undefined;
  audit: AuditLog;
  logger: Logger;
}

export class PanelCommandTarget implements CommandTarget {
  readonly #o: PanelCommandTargetOptions;

  constructor(options: PanelCommandTargetOptions) {
    this.#o = options;
  }

  openDoor(
    doorId: string,
    onBehalfOf: { kind: string; id: string },
    reason: string,
    pulseMs?: number,
  ): OpenDoorResult {
    const { opener } = this.#o;
    if (!opener.has(doorId)) return { ok: false, reason: UNKNOWN_DOOR };
    return opener.tryOpen(
      {
        type: 'command.executed',
        doorId,
        data: { command: 'door.open', onBehalfOf, reason, ...(pulseMs ? { pulseMs } : {}) },
      },
      doorId,
      pulseMs,
    );
  }

  enrolCard(doorId: string, untilMs: number): Promise<EnrolResult> {
    if (!this.#o.enrolment) return Promise.resolve({ ok: false, reason: 'card enrolment is not available' });
    this.#o.logger.info({ doorId }, 'card enrolment armed by the cloud');
    return this.#o.enrolment.arm(doorId, untilMs);
  }

  identify(durationS: number): void {
    // No indicator hardware in the HAL yet: the record and the log line are the visible effect.
    this.#o.logger.info({ durationS }, 'identify requested by the cloud');
    this.#o.audit.append({ type: 'command.executed', data: { command: 'identify', durationS } });
  }

  recordRefusal(reason: string, detail: string, nonce?: string): void {
    const data = { reason, detail, ...(nonce ? { nonce } : {}) };
    this.#o.audit.append({ type: 'command.refused', data });
  }
}
