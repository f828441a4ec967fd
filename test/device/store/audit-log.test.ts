import { afterEach, describe, expect, it } from 'vitest';
import { PublishingAuditLog } from '../../../device/audit/publishing-audit-log.ts';
import type { AuditEvent } from '../../../device/audit/types.ts';
import { EventBus } from '../../../device/bus/event-bus.ts';
import { openStore } from '../../../device/store/store.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { SAMPLE_PAYLOADS, sampleEvent } from '../audit/sample-events.ts';
import { tempDir } from './temp-store.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('SqliteAuditLog', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  const open = () => {
    const t = tempDir();
    const clock = new FakeClock(Date.UTC(2026, 2, 1, 12));
    const store = openStore(t.path, { clock, logger: silentLogger });
    cleanup = () => {
      store.close();
      t.cleanup();
    };
    return { store, clock, path: t.path };
  };

  it('appends events with UUIDv7 ids, wall-time stamps and consecutive seqs', () => {
    const { store, clock } = open();
    expect(store.audit.lastSeq()).toBe(0);
    const a = store.audit.append({
      type: 'access.granted',
      doorId: 'front',
      readerId: 'r1',
      data: { uidHash: 'ab' },
    });
    clock.advance(5);
    const b = store.audit.append({ type: 'door.unlocked', doorId: 'front' });
    expect(a).toMatchObject({ seq: 1, ts: Date.UTC(2026, 2, 1, 12), type: 'access.granted', readerId: 'r1' });
    expect(b).toMatchObject({ seq: 2, readerId: null, data: {} });
    expect(a.id).toMatch(UUID_V7);
    expect(a.id < b.id).toBe(true);
    expect(store.audit.lastSeq()).toBe(2);
    expect(store.audit.after(0, 10)).toEqual([a, b]);
    expect(store.audit.after(1, 10)).toEqual([b]);
    expect(store.audit.after(2, 10)).toEqual([]);
  });

  it('keeps ids ordered like seq within one millisecond', () => {
    const { store } = open();
    const ids = Array.from({ length: 50 }, () => store.audit.append({ type: 'door.opened' }).id);
    expect(new Set(ids).size).toBe(50);
    expect([...ids].sort()).toEqual(ids);
  });

  it('clamps the page size to 1..1000', () => {
    const { store } = open();
    for (let i = 0; i < 1001; i++) store.audit.append({ type: 'door.closed', data: { i } });
    expect(store.audit.after(0, 0)).toHaveLength(1);
    expect(store.audit.after(0, -3)).toHaveLength(1);
    expect(store.audit.after(0, 5000)).toHaveLength(1000);
    expect(store.audit.after(999, 5000).map((e) => e.data['i'])).toEqual([999, 1000]);
  });

  it('continues the sequence after a reopen', () => {
    const { store, path } = open();
    store.audit.append({ type: 'system.started' });
    store.audit.append({ type: 'system.stopped' });
    store.close();
    const again = openStore(path, { clock: new FakeClock(), logger: silentLogger });
    try {
      expect(again.audit.lastSeq()).toBe(2);
      const next = again.audit.append({ type: 'system.started' });
      expect(next.seq).toBe(3);
      expect(again.audit.after(0, 10).map((e) => e.seq)).toEqual([1, 2, 3]);
    } finally {
      again.close();
    }
  });

  it('throws for data that is not JSON and writes nothing', () => {
    const { store } = open();
    expect(() => store.audit.append({ type: 'reader.error', data: { n: 1n } })).toThrow();
    expect(store.audit.lastSeq()).toBe(0);
    expect(store.audit.append({ type: 'reader.error' }).seq).toBe(1);
  });

  it('a transaction commits its appends together and announces them after; a throw writes and announces none', () => {
    const { store } = open();
    const bus = new EventBus(silentLogger);
    const audit = new PublishingAuditLog(store.audit, bus);
    const announced: AuditEvent[] = [];
    bus.on('audit', (e) => announced.push(e));
    const seqs = audit.transaction(() => {
      const a = audit.append(sampleEvent('access.granted', { readerId: 'r1' }));
      const b = audit.append({
        type: 'door.unlocked',
        doorId: 'front',
        data: { ...SAMPLE_PAYLOADS['door.unlocked'], decisionSeq: a.seq },
      });
      expect(announced).toEqual([]);
      return [a.seq, b.seq];
    });
    expect(seqs).toEqual([1, 2]);
    expect(announced.map((e) => e.type)).toEqual(['access.granted', 'door.unlocked']);

    expect(() =>
      audit.transaction(() => {
        audit.append(sampleEvent('access.granted', { readerId: 'r1' }));
        throw new Error('disk I/O error');
      }),
    ).toThrow('disk I/O error');
    expect(announced).toHaveLength(2);
    expect(audit.after(0, 10).map((e) => e.seq)).toEqual([1, 2]);
    expect(audit.append(sampleEvent('reader.error')).seq).toBe(3);
  });
});
