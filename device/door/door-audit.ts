import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AuditEvent, AuditLog, AuditPayloads } from '../audit/types.ts';

/** The events a door writes about itself (a decision it cites comes from elsewhere, or from exit presses). */
export type DoorEventType =
  | 'door.unlocked'
  | 'door.locked'
  | 'door.opened'
  | 'door.closed'
  | 'alarm.raised'
  | 'alarm.cleared';

/** Writes one door's audit events, either as a precondition (`required`) or as a report (`report`). */
export class DoorAudit {
  readonly #o: { audit: AuditLog; doorId: string; log: Logger };

  constructor(options: { audit: AuditLog; doorId: string; log: Logger }) {
    this.#o = options;
  }

  /** For events that must be durable before the action they describe: throws if the write fails. */
  required<T extends DoorEventType>(type: T, data: AuditPayloads[T]): AuditEvent {
    return this.#o.audit.append({ type, doorId: this.#o.doorId, data });
  }

  /**
   * For events reporting what already happened (the door opened, the relay locked): a failed write must
   * not stop the safe action or the state update, so it is logged and swallowed.
   */
  report<T extends DoorEventType>(type: T, data: AuditPayloads[T]): AuditEvent | undefined {
    try {
      return this.required(type, data);
    } catch (err) {
      this.#o.log.error({ err, type, data }, `audit write failed: ${errorMessage(err)}`);
      return undefined;
    }
  }
}
