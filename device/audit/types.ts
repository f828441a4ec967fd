/**
 * The audit log is also the sync outbox: every decision, unlock, door state change and alarm becomes a
 * row with a unique id and a per-panel sequence number, committed (WAL, synchronous=FULL) before any
 * relay moves.
 */
import type { z } from 'zod';
import type { auditEventSchema } from '../../cloud-sync/protocol/messages.ts';
import type { AuditEventType, AuditPayloads } from './payloads.ts';

export type { AuditEventType, AuditPayloads } from './payloads.ts';

/**
 * One event to append, its `data` checked against the payload of its `type`. With `T` left at the
 * default it is the union over every type, discriminated by `type`.
 */
export type AuditEventInput<T extends AuditEventType = AuditEventType> = {
  [K in T]: {
    type: K;
    doorId?: string | undefined;
    readerId?: string | undefined;
    /** JSON-serializable. Card UIDs are stored only as a keyed hash (`uidHash`), never in clear. */
    data: AuditPayloads[K];
  };
}[T];

/**
 * A stored event, as the outbox sends it (the protocol's `auditEventSchema`: id UUIDv7, per-panel seq,
 * wall-time ts, door and reader, `data` as stored — rows written by an older version may predate a
 * payload's current shape), with its type narrowed to the types this panel writes.
 */
export type AuditEvent = Omit<z.output<typeof auditEventSchema>, 'type'> & { type: AuditEventType };

export interface AuditLog {
  /** Durably appends one event and returns it; throws if it could not be written. */
  append<T extends AuditEventType>(event: AuditEventInput<T>): AuditEvent;
  /**
   * Runs `fn` as one transaction: its appends commit together, with one fsync, when it returns; if it
   * throws, none of them is written. Rows appended inside are not durable until it returns, so nothing
   * they authorize may happen inside `fn`.
   */
  transaction<T>(fn: () => T): T;
  /** Events with seq > after, oldest first, at most `limit`. */
  after(seq: number, limit: number): AuditEvent[];
  lastSeq(): number;
}
