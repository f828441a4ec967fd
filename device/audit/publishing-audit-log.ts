import type { EventBus } from '../bus/event-bus.ts';
import type { AuditEvent, AuditEventInput, AuditEventType, AuditLog } from './types.ts';

/** Announces every committed audit event on the bus (live feed, later the sync agent's wake-up). */
export class PublishingAuditLog implements AuditLog {
  readonly #inner: AuditLog;
  readonly #bus: EventBus;
  /** Inside transaction(): the events to announce once it has committed. */
  #uncommitted: AuditEvent[] | undefined;

  constructor(inner: AuditLog, bus: EventBus) {
    this.#inner = inner;
    this.#bus = bus;
  }

  append<T extends AuditEventType>(event: AuditEventInput<T>): AuditEvent {
    const written = this.#inner.append(event);
    if (this.#uncommitted) this.#uncommitted.push(written);
    else this.#bus.emit('audit', written);
    return written;
  }

  /** Announces the transaction's events after it has committed, and none if it rolled back. */
  transaction<T>(fn: () => T): T {
    if (this.#uncommitted) return this.#inner.transaction(fn);
    const uncommitted: AuditEvent[] = [];
    this.#uncommitted = uncommitted;
    let result: T;
    try {
      // The inner log may run `fn` a second time (a storage fault rolled the first run back and it is
      // staged in memory instead): only the run that counted is announced.
      result = this.#inner.transaction(() => {
        uncommitted.length = 0;
        return fn();
      });
    } finally {
      this.#uncommitted = undefined;
    }
    for (const written of uncommitted) this.#bus.emit('audit', written);
    return result;
  }

  after(seq: number, limit: number): AuditEvent[] {
    return this.#inner.after(seq, limit);
  }

  lastSeq(): number {
    return this.#inner.lastSeq();
  }
}
