import { afterEach, describe, expect, it } from 'vitest';
import { PublishingAuditLog } from '../../../device/audit/publishing-audit-log.ts';
import type { AuditEventType } from '../../../device/audit/types.ts';
import { EventBus } from '../../../device/bus/event-bus.ts';
import { StoreOutbox } from '../../../device/sync/outbox.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { sampleEvent } from '../audit/sample-events.ts';
import { openTempStore } from '../store/temp-store.ts';

function setup(opts: { maxRows?: number; retainAckedRows?: number } = {}) {
  const t = openTempStore();
  const bus = new EventBus(silentLogger);
  const audit = new PublishingAuditLog(t.store.audit, bus);
  const make = () =>
    new StoreOutbox({
      sync: t.store.sync,
      audit,
      bus,
      logger: silentLogger,
      maxRows: opts.maxRows ?? 1000,
      retainAckedRows: opts.retainAckedRows ?? 1000,
    });
  const outbox = make();
  const append = (type: AuditEventType, n = 1) => {
    for (let i = 0; i < n; i++) audit.append(sampleEvent(type));
  };
  const types = () => t.store.audit.after(0, 1000).map((e) => e.type);
  return { ...t, audit, outbox, append, types, make };
}

describe('StoreOutbox', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('hands out pending rows in order and keeps them until acked; the acked seq survives a restart', async () => {
    const h = setup();
    cleanup = h.cleanup;
    const seen: number[] = [];
    h.outbox.onAppend((e) => seen.push(e.seq));
    h.append('access.granted', 5);
    // Listeners (the live stream) hear of appends after the writer's synchronous work (a tap's relay).
    expect(seen).toEqual([]);
    await Promise.resolve();
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(h.outbox.pending(0, 3).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(h.outbox.size()).toBe(5);
    h.outbox.ack(3);
    expect(h.outbox.size()).toBe(2);
    expect(h.outbox.pending(0, 10).map((e) => e.seq)).toEqual([4, 5]);
    h.outbox.ack(1); // never lowers
    expect(h.make().ackedSeq()).toBe(3);
  });

  it('prunes acked rows beyond the local retention, keeping the newest', () => {
    const h = setup({ retainAckedRows: 2 });
    cleanup = h.cleanup;
    h.append('door.opened', 6);
    h.outbox.ack(5);
    expect(h.store.audit.after(0, 100).map((e) => e.seq)).toEqual([4, 5, 6]);
    // seq is never reused after deletes.
    h.append('door.closed');
    expect(h.store.audit.lastSeq()).toBe(7);
  });

  it('over its bound drops the oldest low-priority rows first and never access or alarm rows', () => {
    const h = setup({ maxRows: 1000 });
    cleanup = h.cleanup;
    h.append('access.granted', 300);
    h.append('door.opened', 300);
    h.append('door.unlocked', 200);
    h.append('alarm.raised', 100);
    h.append('reader.error', 100);
    h.append('access.denied', 1); // 1001 > 1000: drop down to 900 (101 rows + the overflow event's own row)
    const types = h.types();
    const count = (t: string) => types.filter((x) => x === t).length;
    expect(count('access.granted')).toBe(300);
    expect(count('alarm.raised')).toBe(100);
    expect(count('access.denied')).toBe(1);
    expect(count('door.unlocked')).toBe(200);
    expect(count('door.opened')).toBe(300 - 101);
    expect(count('reader.error')).toBe(100);
    const overflow = h.store.audit.after(0, 2000).find((e) => e.type === 'outbox.overflow');
    expect(overflow?.data).toEqual({ dropped: { 'door.opened': 101 }, total: 101, maxRows: 1000 });
    expect(h.outbox.size()).toBe(901);
  });

  it('drops access and alarm rows only when nothing else is left', () => {
    const h = setup({ maxRows: 1000 });
    cleanup = h.cleanup;
    h.append('system.started', 50);
    h.append('door.unlocked', 50);
    h.append('alarm.raised', 901);
    const types = h.types();
    expect(types.filter((t) => t === 'system.started')).toHaveLength(0);
    expect(types.filter((t) => t === 'door.unlocked')).toHaveLength(0);
    expect(types.filter((t) => t === 'alarm.raised')).toHaveLength(900 - 0);
    expect(h.outbox.size()).toBeLessThanOrEqual(901);
  });
});
