import type { EventBus } from '../bus/event-bus.ts';
import type { AuditEvent, AuditEventInput, AuditLog } from './types.ts';

/** Announces every committed audit event on the bus (live feed, later the sync agent's wake-up). */
export class PublishingAuditLog implements AuditLog {
  readonly #inner: AuditLog;
  readonly #bus: EventBus;

  constructor(inner: AuditLog, bus: EventBus) {
    this.#inner = inner;
    this.#bus = bus;
  }

  append(event: AuditEventInput): AuditEvent {
    const written = this.#inner.append(event);
    this.#bus.emit('audit', written);
    return written;
  }

  after(seq: number, limit: number): AuditEvent[] {
    return this.#inner.after(seq, limit);
  }

  lastSeq(): number {
    return this.#inner.lastSeq();
  }
}
