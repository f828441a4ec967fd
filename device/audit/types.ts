/**
 * The audit log is also the sync outbox: every decision, unlock, door state change and alarm becomes a
 * row with a unique id and a per-panel sequence number, committed (WAL, synchronous=FULL) before any
 * relay moves.
 */
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

export interface AuditEvent {
  /** Globally unique (UUIDv7: time-ordered). */
  id: string;
  /** Per-panel, strictly increasing; assigned gap-free (sync's overflow policy may later drop rows). */
  seq: number;
  /** Wall time, ms since epoch. */
  ts: number;
  type: AuditEventType;
  doorId: string | null;
  readerId: string | null;
  /** As stored and read back: rows written by an older version may predate a payload's current shape. */
  data: Record<string, unknown>;
}

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
