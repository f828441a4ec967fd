import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AuditEvent, AuditEventType, AuditLog } from '../audit/types.ts';

/** Writes one door's audit events, either as a precondition (`required`) or as a report (`report`). */
export class DoorAudit {
  readonly #audit: AuditLog;
  readonly #doorId: string;
  readonly #log: Logger;

  constructor(audit: AuditLog, doorId: string, log: Logger) {
    this.#audit = audit;
    this.#doorId = doorId;
    this.#log = log;
  }

  /** For events that must be durable before the action they describe: throws if the write fails. */
  required(type: AuditEventType, data: Record<string, unknown>): AuditEvent {
    return this.#audit.append({ type, doorId: this.#doorId, data });
  }

  /**
   * For events reporting what already happened (the door opened, the relay locked): a failed write must
   * not stop the safe action or the state update, so it is logged and swallowed.
   */
  report(type: AuditEventType, data: Record<string, unknown>): AuditEvent | undefined {
    try {
      return this.#audit.append({ type, doorId: this.#doorId, data });
    } catch (err) {
      this.#log.error({ err, type, data }, `audit write failed: ${errorMessage(err)}`);
      return undefined;
    }
  }
}
