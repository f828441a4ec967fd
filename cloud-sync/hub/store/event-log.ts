/**
 * Panel audit events at the hub. Inserts are idempotent by (panel, event id), so a resent batch or a live
 * copy followed by its in-order original is stored once. The stream position is the highest seq up to
 * which the panel's in-order stream is stored without a gap: the only thing ever acknowledged.
 */
import type { Database } from 'better-sqlite3';
import type { StoredEventView } from '../../protocol/admin-event-view.ts';
import type { EventsMessage } from '../../protocol/messages.ts';
import { type EventFilter, eventWhere } from './event-filter.ts';

type AuditEvent = EventsMessage['events'][number];

/** An event as the admin API lists it (one schema, in the protocol, because WebAdmin validates it too). */
export type StoredEvent = StoredEventView;

export interface InOrderResult {
  /** Rows newly inserted (duplicates are not counted). */
  inserted: number;
  position: number;
  /** The batch starts past the position: nothing was stored, the panel must resend from `position`. */
  gap: boolean;
}

export class EventLog {
  readonly #db: Database;
  /** Told after new events were stored (live streams read them then); never told inside a transaction. */
  readonly #listeners = new Set<() => void>();

  constructor(db: Database) {
    this.#db = db;
  }

  /** Calls `listener` after each store that added events; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #stored(inserted: number): void {
    if (inserted === 0) return;
    for (const listener of this.#listeners) listener();
  }

  position(panelId: string): number {
    const row = this.#db.prepare('SELECT position FROM event_streams WHERE panel_id = ?').get(panelId) as
      | { position: number }
      | undefined;
    return row?.position ?? 0;
  }

  /** Stores an in-order batch whole (one transaction) or, after a gap, not at all. */
  storeInOrder(panelId: string, afterSeq: number, events: readonly AuditEvent[], now: number): InOrderResult {
    const result = this.#db.transaction((): InOrderResult => {
      const position = this.position(panelId);
      if (afterSeq > position) return { inserted: 0, position, gap: true };
      const inserted = this.#insert(panelId, events, now);
      const last = events.at(-1)?.seq ?? position;
      const next = Math.max(position, last);
      this.#db
        .prepare(
          `INSERT INTO event_streams (panel_id, position) VALUES (?, ?)
           ON CONFLICT (panel_id) DO UPDATE SET position = excluded.position`,
        )
        .run(panelId, next);
      return { inserted, position: next, gap: false };
    })();
    this.#stored(result.inserted);
    return result;
  }

  /** Live copies: stored for immediacy, never moving the position (their in-order originals do that). */
  storeLive(panelId: string, events: readonly AuditEvent[], now: number): number {
    const inserted = this.#db.transaction(() => this.#insert(panelId, events, now))();
    this.#stored(inserted);
    return inserted;
  }

  /**
   * Events with after < cursor < before (either bound optional), oldest first (`asc`, the default) or
   * newest first (`desc`), at most `limit`. Cursors rise in arrival order, so paging on them is exact in
   * both directions: asc continues with after = the last cursor, desc with before = the last cursor.
   * The filters (event-filter.ts) narrow it further.
   */
  list(
    query: EventFilter & {
      after?: number | undefined;
      before?: number | undefined;
      order?: 'asc' | 'desc' | undefined;
      limit: number;
    },
  ): StoredEvent[] {
    const filter = eventWhere(query);
    const where = ['cursor > @after', 'cursor < @before', ...filter.clauses];
    const order = query.order === 'desc' ? 'DESC' : 'ASC';
    const rows = this.#db
      .prepare(`SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY cursor ${order} LIMIT @limit`)
      .all({
        after: query.after ?? 0,
        before: query.before ?? Number.MAX_SAFE_INTEGER,
        limit: query.limit,
        ...filter.params,
      }) as EventRow[];
    return rows.map((r) => ({
      cursor: r.cursor,
      panelId: r.panel_id,
      id: r.event_id,
      seq: r.seq,
      ts: r.ts,
      type: r.type,
      doorId: r.door_id,
      readerId: r.reader_id,
      data: JSON.parse(r.data),
      receivedAt: r.received_at,
    }));
  }

  count(panelId: string): number {
    return (
      this.#db.prepare('SELECT count(*) AS n FROM events WHERE panel_id = ?').get(panelId) as { n: number }
    ).n;
  }

  #insert(panelId: string, events: readonly AuditEvent[], now: number): number {
    const stmt = this.#db.prepare(
      `INSERT INTO events (panel_id, event_id, seq, ts, type, door_id, reader_id, data, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (panel_id, event_id) DO NOTHING`,
    );
    let inserted = 0;
    for (const e of events) {
      inserted += stmt.run(
        panelId,
        e.id,
        e.seq,
        e.ts,
        e.type,
        e.doorId,
        e.readerId,
        JSON.stringify(e.data),
        now,
      ).changes;
    }
    return inserted;
  }
}

interface EventRow {
  cursor: number;
  panel_id: string;
  event_id: string;
  seq: number;
  ts: number;
  type: string;
  door_id: string | null;
  reader_id: string | null;
  data: string;
  received_at: number;
}
