/**
 * The outbox on the real audit log, as the upload reads it: what attackers can put in events is bounded
 * when it is recorded, and the batches cut from a backlog of the largest events stay under the byte bound.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { messageBytes, nextBatch } from '../../../cloud-sync/agent/event-batch.ts';
import { MAX_BATCH_BYTES } from '../../../cloud-sync/agent/event-stream.ts';
import { AUDIT_PICTURE_MAX_CHARS, AUDIT_TEXT_MAX_CHARS } from '../../../device/audit/payloads.ts';
import { PublishingAuditLog } from '../../../device/audit/publishing-audit-log.ts';
import { EventBus } from '../../../device/bus/event-bus.ts';
import { StoreOutbox } from '../../../device/sync/outbox.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { openTempStore } from '../store/temp-store.ts';

const PICTURE = `data:image/jpeg;base64,${'A'.repeat(AUDIT_PICTURE_MAX_CHARS - 23)}`;
const HOSTILE = 'é'.repeat(64 * 1024);

function setup() {
  const t = openTempStore();
  const bus = new EventBus(silentLogger);
  const audit = new PublishingAuditLog(t.store.audit, bus);
  const outbox = new StoreOutbox({
    sync: t.store.sync,
    audit,
    bus,
    logger: silentLogger,
    maxRows: 10_000,
    retainAckedRows: 1000,
  });
  return { ...t, audit, outbox };
}

describe('outbox batches by bytes', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('records hostile text bounded and pictures whole; every batch of the backlog fits the byte bound', () => {
    const h = setup();
    cleanup = h.cleanup;
    for (let i = 0; i < 30; i++) {
      h.audit.append({ type: 'call.snapshot', data: { callId: `call-${i}`, snapshot: PICTURE } });
      h.audit.append({ type: 'call.refused', data: { appDeviceId: 'app-1', reason: HOSTILE } });
    }
    const rows = h.outbox.pending(0, 1000);
    expect(rows).toHaveLength(60);
    const refused = rows.filter((e) => e.type === 'call.refused');
    for (const e of refused)
      expect(String(e.data['reason']).length).toBeLessThanOrEqual(AUDIT_TEXT_MAX_CHARS);
    for (const e of rows.filter((r) => r.type === 'call.snapshot')) expect(e.data['snapshot']).toBe(PICTURE);

    let cursor = 0;
    const seqs: number[] = [];
    for (;;) {
      const batch = nextBatch(
        h.outbox,
        cursor,
        cursor,
        { maxEvents: 200, maxBytes: MAX_BATCH_BYTES },
        () => false,
      );
      if (batch.events.length === 0) break;
      expect(messageBytes({ protocol: 1, afterSeq: cursor, live: false, events: batch.events })).toBe(
        batch.bytes,
      );
      expect(batch.bytes).toBeLessThanOrEqual(MAX_BATCH_BYTES);
      seqs.push(...batch.events.map((e) => e.seq));
      cursor = batch.cursor;
    }
    expect(seqs).toEqual(rows.map((e) => e.seq));
  });

  it('notes a skipped event as sync.event_skipped', () => {
    const h = setup();
    cleanup = h.cleanup;
    h.audit.append({ type: 'call.refused', data: { appDeviceId: 'app-1', reason: 'x' } });
    h.outbox.noteSkipped({
      seq: 1,
      eventType: 'call.refused',
      reason: 'invalid',
      detail: 'readerId: too long',
    });
    expect(h.outbox.pending(1, 10)).toEqual([
      expect.objectContaining({
        seq: 2,
        type: 'sync.event_skipped',
        data: { seq: 1, eventType: 'call.refused', reason: 'invalid', detail: 'readerId: too long' },
      }),
    ]);
  });
});
