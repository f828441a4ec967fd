/**
 * CommandTarget on the doors and the audit log. A cloud door.open is recorded (`command.executed`) before
 * the unlock, and the unlock cites that record, as every other unlock path does.
 */
import { type CommandTarget, type OpenDoorResult, UNKNOWN_DOOR } from '../../cloud-sync/agent/ports.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AuditLog } from '../audit/types.ts';
import type { UnlockCause, UnlockResult } from '../door/types.ts';

export interface CommandDoors {
  get(doorId: string): { unlock(cause: UnlockCause): UnlockResult } | undefined;
}

export class PanelCommandTarget implements CommandTarget {
  readonly #doors: CommandDoors;
  readonly #audit: AuditLog;
  readonly #log: Logger;

  constructor(doors: CommandDoors, audit: AuditLog, logger: Logger) {
    this.#doors = doors;
    this.#audit = audit;
    this.#log = logger;
  }

  openDoor(
    doorId: string,
    onBehalfOf: { kind: string; id: string },
    reason: string,
    pulseMs?: number,
  ): OpenDoorResult {
    const door = this.#doors.get(doorId);
    if (!door) return { ok: false, reason: UNKNOWN_DOOR };
    let decisionSeq: number;
    try {
      decisionSeq = this.#audit.append({
        type: 'command.executed',
        doorId,
        data: { command: 'door.open', onBehalfOf, reason, ...(pulseMs ? { pulseMs } : {}) },
      }).seq;
    } catch (err) {
      // Unrecorded, the relay stays put.
      this.#log.error({ err: errorMessage(err), doorId }, 'could not record a cloud door.open');
      return { ok: false, reason: 'audit write failed' };
    }
    try {
      door.unlock({ kind: 'command', eventSeq: decisionSeq, ...(pulseMs ? { ms: pulseMs } : {}) });
      return { ok: true };
    } catch (err) {
      return { ok: false, reason: errorMessage(err).slice(0, 200) };
    }
  }

  identify(durationS: number): void {
    // No indicator hardware in the HAL yet: the record and the log line are the visible effect.
    this.#log.info({ durationS }, 'identify requested by the cloud');
    this.#audit.append({ type: 'command.executed', data: { command: 'identify', durationS } });
  }

  recordRefusal(reason: string, detail: string, nonce?: string): void {
    this.#audit.append({ type: 'command.refused', data: { reason, detail, ...(nonce ? { nonce } : {}) } });
  }
}
