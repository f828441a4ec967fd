/**
 * The audit log, which doubles as the sync outbox. `append` is a single autocommit INSERT; with WAL and
 * synchronous=FULL the WAL is fsync'd before `run` returns, so an event that `append` returned survives
 * power loss, and callers append before moving a relay.
 *
 * seq is `INTEGER PRIMARY KEY AUTOINCREMENT`: strictly increasing and assigned gap-free (a failed insert
 * rolls its sqlite_sequence bump back too). Cloud sync deletes rows (acked history beyond its retention,
 * outbox overflow: device/sync/outbox.ts); AUTOINCREMENT keeps seq from ever being reused after that, and
 * `lastSeq` reads sqlite_sequence rather than max(seq) for the same reason.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { Clock } from '../../lib/clock/clock.ts';
import { boundAuditData } from '../audit/bounds.ts';
import type { AuditEvent, AuditEventType, AuditLog } from '../audit/types.ts';
import { createUuidV7 } from './uuid7.ts';

export const MAX_AFTER_LIMIT = 1000;

/**
 * A row as the store writes it: any JSON object as data. What each event type carries is checked where
 * events are made, against device/audit/payloads.ts (AuditLog.append); the store only persists.
 */
export interface AuditRow {
  type: AuditEventType;
  doorId?: string | undefined;
  readerId?: string | undefined;
  data?: Record<string, unknown> | undefined;
}

interface Row {
  seq: number;
  id: string;
  ts: number;
  type: AuditEventType;
  doorId: string | null;
  readerId: string | null;
  data: string;
}

export class SqliteAuditLog implements AuditLog {
  readonly #clock: Clock;
  readonly #nextId: () => string;
  readonly #insert: Statement<[string, number, string, string | null, string | null, string]>;
  readonly #after: Statement<[number, number], Row>;
  readonly #lastSeq: Statement<[], number>;
  /** One better-sqlite3 transaction wrapper for every call: building one costs a tap four closures. */
  readonly #inTransaction: (fn: () => unknown) => unknown;

  constructor(db: Database, clock: Clock) {
    this.#inTransaction = db.transaction((fn: () => unknown) => fn());
    this.#clock = clock;
    this.#nextId = createUuidV7(() => clock.now());
    this.#insert = db.prepare(
      'INSERT INTO audit_events (id, ts, type, door_id, reader_id, data) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#after = db.prepare(
      `SELECT seq, id, ts, type, door_id AS doorId, reader_id AS readerId, data
       FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?`,
    );
    this.#lastSeq = db
      .prepare<[], number>(`SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'audit_events'`)
      .pluck();
  }

  append(event: AuditRow): AuditEvent {
    // Serialize first: a non-JSON payload (BigInt, cycle) must throw before anything is written. Strings
    // are bounded here, where every event passes, so no writer can forget (device/audit/bounds.ts).
    const json = JSON.stringify(boundAuditData(event.type, event.data ?? {}));
    const id = this.#nextId();
    const ts = this.#clock.now();
    const doorId = event.doorId ?? null;
    const readerId = event.readerId ?? null;
    const { lastInsertRowid } = this.#insert.run(id, ts, event.type, doorId, readerId, json);
    // Hand back what was stored (undefined fields dropped, dates as strings), as `after` will.
    const stored = JSON.parse(json) as Record<string, unknown>;
    return { id, seq: Number(lastInsertRowid), ts, type: event.type, doorId, readerId, data: stored };
  }

  transaction<T>(fn: () => T): T {
    return this.#inTransaction(fn) as T;
  }

  /** Events with seq > `seq`, oldest first; `limit` is clamped to 1..1000. */
  after(seq: number, limit: number): AuditEvent[] {
    const from = Number.isFinite(seq) ? Math.max(0, Math.floor(seq)) : 0;
    const n = Number.isFinite(limit)
      ? Math.min(MAX_AFTER_LIMIT, Math.max(1, Math.floor(limit)))
      : MAX_AFTER_LIMIT;
    return this.#after
      .all(from, n)
      .map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
  }

  lastSeq(): number {
    return this.#lastSeq.get() ?? 0;
  }
}
