import { PortvaktError } from '../../lib/errors.ts';

/**
 * An audit row that authorizes something (a decision, a `door.unlocked`) could not be committed, so what
 * it would have authorized did not happen: the door stays locked. Callers tell it from a door that
 * refused (stopped, relay fault) by class, not by parsing codes or messages.
 */
export class AuditWriteError extends PortvaktError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('audit_failed', message, options);
  }
}
