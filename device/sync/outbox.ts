/**
 * The Outbox on the audit log: unacked rows are the rows with seq > acked_seq. Two bounds keep the
 * database from growing without limit:
 *
 * - Unacked rows are capped at `maxRows` (config sync.outboxMaxRows, default 200,000 — weeks of a busy
 *   entrance offline). Past the cap the oldest unacked rows are dropped down to 90 % of it (so this does
 *   not run on every append), lowest priority first: door.opened/closed, reader.* and system.*; then
 *   everything except access.* and alarm.*; those go only when nothing else is left. One
 *   `outbox.overflow` event records what was dropped; the cloud sees the seq gap.
 * - Acked rows are history only; beyond the newest `retainAckedRows` (default 50,000) they are deleted,
 *   so the local API still shows recent events.
 */
import type { Outbox, OutboxEvent, UploadSkip } from '../../cloud-sync/agent/ports.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AuditEvent, AuditLog } from '../audit/types.ts';
import type { EventBus } from '../bus/event-bus.ts';
import type { SyncState } from '../store/sync-state.ts';

export const LOW_PRIORITY = ['door.opened', 'door.closed', 'reader.*', 'system.*'] as const;
export const HIGH_PRIORITY = ['access.*', 'alarm.*'] as const;

export interface StoreOutboxOptions {
  sync: SyncState;
  audit: AuditLog;
  bus: EventBus;
  logger: Logger;
  maxRows: number;
  retainAckedRows: number;
}

export class StoreOutbox implements Outbox {
  readonly #o: StoreOutboxOptions;
  #acked: number;
  /** Unacked rows, counted once and then tracked, so an append costs no COUNT(*). */
  #unacked: number;
  #overflowing = false;
  readonly #unwatch: () => void;

  constructor(options: StoreOutboxOptions) {
    this.#o = options;
    this.#acked = options.sync.ackedSeq();
    this.#unacked = options.sync.unackedCount();
    this.#unwatch = options.bus.on('audit', () => {
      this.#unacked++;
      if (this.#unacked > this.#o.maxRows) this.#enforceBound();
    });
  }

  /** Stops watching appends. */
  close(): void {
    this.#unwatch();
  }

  ackedSeq(): number {
    return this.#acked;
  }

  pending(afterSeq: number, limit: number): OutboxEvent[] {
    return this.#o.audit.after(Math.max(afterSeq, this.#acked), limit);
  }

  ack(upToSeq: number): void {
    if (!(upToSeq > this.#acked)) return;
    this.#o.sync.ack(upToSeq, this.#o.retainAckedRows);
    this.#acked = this.#o.sync.ackedSeq();
    this.#unacked = this.#o.sync.unackedCount();
  }

  size(): number {
    return this.#unacked;
  }

  /**
   * `listener` (the sync agent's live stream: serialize, publish) hears of an event once the code that
   * wrote it has finished its synchronous work: a card tap commits its decision, moves the relay, and only
   * then is the event published. Nothing may stand between the commit and the door.
   */
  onAppend(listener: (event: OutboxEvent) => void): () => void {
    return this.#o.bus.on('audit', (event: AuditEvent) => queueMicrotask(() => listener(event)));
  }

  noteSkipped(skip: UploadSkip): void {
    try {
      this.#o.audit.append({ type: 'sync.event_skipped', data: { ...skip } });
    } catch (err) {
      // The skip itself stands (the hub has moved on or will); only its note is lost.
      this.#o.logger.error({ ...skip, err: errorMessage(err) }, 'could not record a skipped event');
    }
  }

  #enforceBound(): void {
    // The overflow event below is itself an append; it must not recurse into another drop.
    if (this.#overflowing) return;
    this.#overflowing = true;
    try {
      const { sync, maxRows } = this.#o;
      const excess = this.#unacked - Math.floor(maxRows * 0.9);
      const dropped: Record<string, number> = {};
      let total = 0;
      const tiers: Array<[readonly string[], boolean]> = [
        [LOW_PRIORITY, false],
        [[...LOW_PRIORITY, ...HIGH_PRIORITY], true],
        [HIGH_PRIORITY, false],
      ];
      for (const [patterns, exclude] of tiers) {
        if (total >= excess) break;
        for (const [type, n] of Object.entries(sync.dropOldestUnacked(patterns, exclude, excess - total))) {
          dropped[type] = (dropped[type] ?? 0) + n;
          total += n;
        }
      }
      this.#unacked = sync.unackedCount();
      this.#o.logger.warn(
        { dropped, total, maxRows },
        'sync outbox full; dropped the oldest low-priority events',
      );
      this.#o.audit.append({ type: 'outbox.overflow', data: { dropped, total, maxRows } });
    } catch (err) {
      this.#o.logger.error({ err: errorMessage(err) }, 'outbox overflow handling failed');
    } finally {
      this.#overflowing = false;
    }
  }
}
