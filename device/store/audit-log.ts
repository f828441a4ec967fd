/**
 * The audit log, which doubles as the sync outbox. `append` is a single autocommit INSERT; with WAL and
 * synchronous=FULL the WAL is fsync'd before `run` returns, so an event that `append` returned survives
 * power loss, and callers append before moving a relay.
 *
 * seq is `INTEGER PRIMARY KEY AUTOINCREMENT`: strictly increasing and assigned gap-free (a failed insert
 * rolls its sqlite_sequence bump back too). Cloud sync deletes rows (acked history beyond its retention,
 * outbox overflow: device/sync/outbox.ts); AUTOINCREMENT keeps seq from ever being reused after that, and
 * `lastSeq` reads sqlite_sequence rather than max(seq) for the same reason.
 *
 * Storage faults (a full or failing disk, see storage-fault.ts) do not take the doors: the first one
 * releases the storage reserve and raises `storage.degraded`, and from then on every event is held in
 * a bounded memory buffer (AuditBuffer) with the seq it will be stored under, in order, so a door still
 * opens on a granted card — the issue-11 rule that egress and granted cards work whatever the storage
 * does. A timer writes the buffer out in order; once it is empty and the reserve is back,
 * `storage.recovered` ends the episode. The buffer is durable only when written: a power cut while
 * degraded loses what it holds.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { AuditWriteError } from '../audit/audit-write-error.ts';
import { boundAuditData } from '../audit/bounds.ts';
import type { AuditEvent, AuditEventType, AuditLog } from '../audit/types.ts';
import { AuditBuffer, type PendingRow, type StorageHealth } from './audit-buffer.ts';
import { storageFaultCode } from './storage-fault.ts';
import type { StorageReserve } from './storage-reserve.ts';
import { createUuidV7 } from './uuid7.ts';

export const MAX_AFTER_LIMIT = 1000;
/** How often held events are written out while the storage is degraded. */
export const STORAGE_RETRY_MS = 1000;
/** Rows per transaction when writing the buffer out (bounded work per timer tick). */
const FLUSH_CHUNK = 500;

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

export interface AuditLogOptions {
  logger?: Logger | undefined;
  /** Freed on the first storage fault so the alarm can be written; recreated before recovering. */
  reserve?: StorageReserve | undefined;
  /** Most events held in memory while degraded (default 10,000); beyond it events are counted, not kept. */
  maxBuffered?: number | undefined;
  /** The store could not be opened normally: start degraded with this fault code. */
  degradedAtStart?: string | undefined;
}

export class SqliteAuditLog implements AuditLog {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #log: Logger | undefined;
  readonly #reserve: StorageReserve | undefined;
  readonly #nextId: () => string;
  readonly #insert: Statement<[string, number, string, string | null, string | null, string]>;
  readonly #insertAt: Statement<[number, string, number, string, string | null, string | null, string]>;
  readonly #after: Statement<[number, number], Row>;
  readonly #lastSeq: Statement<[], number>;
  readonly #skipTo: Statement<[number, number]>;
  /** One better-sqlite3 transaction wrapper for every call: building one costs a tap four closures. */
  readonly #inTransaction: (fn: () => unknown) => unknown;
  readonly #buffer: AuditBuffer;
  /** The last seq handed out, stored or held (the next held event gets the one after). */
  #seq: number;
  #retry: TimerHandle | undefined;
  #closed = false;
  #announce: ((event: AuditEvent) => void) | undefined;

  constructor(db: Database, clock: Clock, options: AuditLogOptions = {}) {
    this.#db = db;
    this.#inTransaction = db.transaction((fn: () => unknown) => fn());
    this.#clock = clock;
    this.#log = options.logger;
    this.#reserve = options.reserve;
    this.#buffer = new AuditBuffer(options.maxBuffered ?? 10_000);
    this.#nextId = createUuidV7(() => clock.now());
    this.#insert = db.prepare(
      'INSERT INTO audit_events (id, ts, type, door_id, reader_id, data) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#insertAt = db.prepare(
      'INSERT INTO audit_events (seq, id, ts, type, door_id, reader_id, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#after = db.prepare(
      `SELECT seq, id, ts, type, door_id AS doorId, reader_id AS readerId, data
       FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?`,
    );
    this.#lastSeq = db
      .prepare<[], number>(`SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'audit_events'`)
      .pluck();
    this.#skipTo = db.prepare(`UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit_events' AND seq < ?`);
    this.#seq = this.#lastSeq.get() ?? 0;
    if (options.degradedAtStart) this.#degrade(options.degradedAtStart);
  }

  append(event: AuditRow): AuditEvent {
    // Serialize first: a non-JSON payload (BigInt, cycle) must throw before anything is written. Strings
    // are bounded here, where every event passes, so no writer can forget (device/audit/bounds.ts).
    const json = JSON.stringify(boundAuditData(event.type, event.data ?? {}));
    const id = this.#nextId();
    const ts = this.#clock.now();
    const doorId = event.doorId ?? null;
    const readerId = event.readerId ?? null;
    if (!this.#buffer.degraded) {
      try {
        const { lastInsertRowid } = this.#insert.run(id, ts, event.type, doorId, readerId, json);
        const seq = Number(lastInsertRowid);
        this.#seq = seq;
        // Hand back what was stored (undefined fields dropped, dates as strings), as `after` will.
        const stored = JSON.parse(json) as Record<string, unknown>;
        return { id, seq, ts, type: event.type, doorId, readerId, data: stored };
      } catch (err) {
        const code = storageFaultCode(err);
        // Inside a transaction the transaction decides (it rolls back and is staged as a whole).
        if (code === undefined || this.#db.inTransaction) throw err;
        this.#degrade(code);
      }
    }
    if (!this.#buffer.staging && this.#db.inTransaction) {
      // Someone else's transaction (store.transaction): its other writes would commit or roll back
      // without this row, so it is refused rather than held.
      throw new AuditWriteError('storage degraded: the audit event cannot join this transaction');
    }
    const seq = ++this.#seq;
    this.#buffer.hold({ seq, id, ts, type: event.type, doorId, readerId, json });
    const data = JSON.parse(json) as Record<string, unknown>;
    return { id, seq, ts, type: event.type, doorId, readerId, data };
  }

  transaction<T>(fn: () => T): T {
    if (this.#buffer.degraded || this.#buffer.staging) return this.#stage(fn);
    if (this.#db.inTransaction) return this.#inTransaction(fn) as T;
    const before = this.#seq;
    try {
      return this.#inTransaction(fn) as T;
    } catch (err) {
      this.#seq = before;
      const code = storageFaultCode(err);
      if (code === undefined) throw err;
      // Rolled back whole, nothing moved (relays move only after the commit): run it again, held.
      this.#degrade(code);
      return this.#stage(fn);
    }
  }

  /** Events with seq > `seq`, oldest first; `limit` is clamped to 1..1000. Held events are not listed yet. */
  after(seq: number, limit: number): AuditEvent[] {
    const from = Number.isFinite(seq) ? Math.max(0, Math.floor(seq)) : 0;
    const n = Number.isFinite(limit)
      ? Math.min(MAX_AFTER_LIMIT, Math.max(1, Math.floor(limit)))
      : MAX_AFTER_LIMIT;
    return this.#after
      .all(from, n)
      .map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
  }

  /** The last seq stored (held events not counted: the outbox can only send what is stored). */
  lastSeq(): number {
    return this.#lastSeq.get() ?? 0;
  }

  /**
   * Where the events this log writes on its own (storage.degraded, storage.recovered) are announced, as
   * PublishingAuditLog announces everyone else's: the live feed and the sync agent hear of the alarm.
   */
  announceOwnEvents(announce: (event: AuditEvent) => void): void {
    this.#announce = announce;
  }

  storageHealth(): StorageHealth {
    return this.#buffer.health();
  }

  /** Writes out what it can of the buffer and stops retrying (the store is closing). */
  close(): void {
    this.#closed = true;
    this.#clock.clearTimeout(this.#retry);
    this.#retry = undefined;
    if (this.#buffer.degraded) this.#flush();
    const lost = this.#buffer.size;
    if (lost > 0)
      this.#log?.error({ lost }, 'closing with audit events the storage never took: they are lost');
  }

  #stage<T>(fn: () => T): T {
    if (this.#buffer.staging) return fn();
    if (this.#db.inTransaction) {
      throw new AuditWriteError('storage degraded: the audit events cannot join this transaction');
    }
    const before = this.#seq;
    this.#buffer.beginStaging();
    try {
      const result = fn();
      this.#buffer.commitStaged();
      return result;
    } catch (err) {
      this.#buffer.discardStaged();
      this.#seq = before;
      throw err;
    }
  }

  #degrade(code: string): void {
    if (this.#buffer.degraded) return;
    const reserveReleased = this.#reserve?.release() ?? false;
    this.#buffer.degrade(code, this.#clock.now());
    try {
      // Held events continue from the last stored seq (a rolled-back transaction may have run #seq ahead).
      this.#seq = this.#lastSeq.get() ?? this.#seq;
    } catch {
      // Unreadable too (a failing disk): continue from the last seq handed out; at worst a gap.
    }
    this.#log?.error(
      { code, reserveReleased },
      'storage fault: audit events are held in memory until they can be written; doors keep working',
    );
    // The alarm is the first held event, so it is written first, into the space the reserve freed.
    const data = { code, reserveReleased };
    const seq = ++this.#seq;
    const ts = this.#clock.now();
    const id = this.#nextId();
    const type = 'storage.degraded';
    this.#buffer.hold({ seq, id, ts, type, doorId: null, readerId: null, json: JSON.stringify(data) });
    this.#announceSafely({ id, seq, ts, type, doorId: null, readerId: null, data });
    // Written after the current tick: the relay of the tap that hit the fault moves first.
    this.#schedule(0);
  }

  #announceSafely(event: AuditEvent): void {
    try {
      this.#announce?.(event);
    } catch (err) {
      this.#log?.error({ err: errorMessage(err) }, 'storage event could not be announced');
    }
  }

  #schedule(delayMs: number): void {
    if (this.#closed || this.#retry !== undefined) return;
    this.#retry = this.#clock.setTimeout(() => {
      this.#retry = undefined;
      this.#flush();
    }, delayMs);
  }

  /** Writes held events out in order, a chunk per transaction; recovers when all are out and the reserve is back. */
  #flush(): void {
    try {
      for (;;) {
        const chunk: readonly PendingRow[] = this.#buffer.peek(FLUSH_CHUNK);
        if (chunk.length === 0) break;
        this.#inTransaction(() => {
          for (const r of chunk) this.#insertAt.run(r.seq, r.id, r.ts, r.type, r.doorId, r.readerId, r.json);
        });
        this.#buffer.written(chunk.length);
      }
    } catch (err) {
      if (storageFaultCode(err) === undefined) {
        this.#log?.error({ err: errorMessage(err) }, 'held audit events could not be written');
      }
      this.#schedule(STORAGE_RETRY_MS);
      return;
    }
    if (this.#reserve && !this.#reserve.ensure()) {
      // Everything held is stored, but the disk has no room for the reserve: stay degraded.
      this.#schedule(STORAGE_RETRY_MS);
      return;
    }
    this.#recover();
  }

  #recover(): void {
    try {
      // Seqs handed out and then dropped (buffer full) were announced: never hand them out again.
      this.#skipTo.run(this.#seq, this.#seq);
    } catch (err) {
      this.#log?.warn({ err: errorMessage(err) }, 'audit seq could not be moved past dropped events');
      this.#schedule(STORAGE_RETRY_MS);
      return;
    }
    const summary = this.#buffer.recover(this.#clock.now());
    this.#log?.warn(summary, 'storage recovered: held audit events written out');
    try {
      this.#announceSafely(this.append({ type: 'storage.recovered', data: summary }));
    } catch (err) {
      this.#log?.error({ err: errorMessage(err) }, 'storage.recovered could not be recorded');
    }
  }
}
