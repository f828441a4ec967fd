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
  type UpdateStartResult,
} from '../../cloud-sync/agent/ports.ts';
import type { UpdateInstallCommand } from '../../cloud-sync/protocol/update-command.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AuditLog } from '../audit/types.ts';
import type { DoorOpener } from '../door/door-opener.ts';
import type { CardEnrolment } from '../taps/card-enrolment.ts';
import type { Updater } from '../update/updater.ts';

export interface PanelCommandTargetOptions {
  opener: DoorOpener;
  /** Absent in labs without readers: card.enrol then fails with a reason. */
  enrolment?: CardEnrolment | undefined;
  audit: AuditLog;
  logger: Logger;
  /** Absent when the config has no `update` section: update.install is then refused as unsupported. */
  updater?: Updater | undefined;
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

  startUpdate(command: UpdateInstallCommand, _nonce: string): UpdateStartResult {
    if (!this.#o.updater)
      return { ok: false, reason: 'unsupported', detail: 'this panel has no updater configured' };
    return this.#o.updater.start(command);
  }

  recordRefusal(reason: string, detail: string, nonce?: string): void {
    const data = { reason, detail, ...(nonce ? { nonce } : {}) };
    this.#o.audit.append({ type: 'command.refused', data });
  }
}
