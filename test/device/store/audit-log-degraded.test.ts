/**
 * The audit log on storage that refuses writes: a second connection holds the write lock (SQLITE_BUSY,
 * one of the storage faults, like SQLITE_FULL on a full disk — test/e2e/full-disk.test.ts fills a real
 * tmpfs). Events are held in memory in order, the alarm comes first, the reserve is released, and all of
 * it is written out, in seq order, once the storage takes writes again.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { PublishingAuditLog } from '../../../device/audit/publishing-audit-log.ts';
import type { AuditEvent } from '../../../device/audit/types.ts';
import { EventBus } from '../../../device/bus/event-bus.ts';
import { AuditBuffer } from '../../../device/store/audit-buffer.ts';
import { STORAGE_RETRY_MS } from '../../../device/store/audit-log.ts';
import { openStore } from '../../../device/store/store.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { tempDir } from './temp-store.ts';

const granted = { reason: 'granted' as const, doorIds: ['front'], uidHash: 'ab' };

describe('SqliteAuditLog on failing storage', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  const open = () => {
    const t = tempDir();
    const clock = new FakeClock(Date.UTC(2026, 2, 1, 12));
    const store = openStore(t.path, {
      clock,
      logger: silentLogger,
      busyTimeoutMs: 0,
      reserveBytes: 64 * 1024,
    });
    const other = new Database(t.path);
    cleanup = () => {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
      store.close();
      t.cleanup();
    };
    const stored = () =>
      other
        .prepare<[], { seq: number; type: string }>('SELECT seq, type FROM audit_events ORDER BY seq')
        .all();
    return { store, clock, other, stored, reserve: `${t.path}.reserve` };
  };

  it('holds events in order while writes fail, then writes them out with the alarm first', () => {
    const { store, clock, other, stored, reserve } = open();
    const bus = new EventBus(silentLogger);
    const announced: AuditEvent[] = [];
    bus.on('audit', (e) => void announced.push(e));
    const audit = new PublishingAuditLog(store.audit, bus);
    store.audit.announceOwnEvents((e) => bus.emit('audit', e));
    audit.append({ type: 'system.started', data: { panelId: 'p1' } });
    expect(existsSync(reserve)).toBe(true);

    other.exec('BEGIN IMMEDIATE'); // the storage stops taking writes
    const opened = audit.transaction(() => {
      const decision = audit.append({ type: 'access.granted', readerId: 'r1', data: granted });
      const unlock = audit.append({
        type: 'door.unlocked',
        doorId: 'front',
        data: {
          cause: 'access',
          decisionSeq: decision.seq,
          pulseMs: 5000,
          unlockedUntil: 0,
          extended: false,
        },
      });
      return [decision.seq, unlock.seq];
    });
    const denied = audit.append({
      type: 'access.denied',
      readerId: 'r1',
      data: { ...granted, reason: 'unknown_card' },
    });
    // seq 2 is the alarm, then the transaction that hit the fault, then what came after.
    expect([...opened, denied.seq]).toEqual([3, 4, 5]);
    expect(store.storageHealth()).toMatchObject({
      state: 'degraded',
      code: 'SQLITE_BUSY',
      held: 4,
      dropped: 0,
    });
    expect(existsSync(reserve)).toBe(false);
    // The alarm is announced; the staged transaction once, although it ran twice.
    expect(announced.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);

    clock.advance(0);
    clock.advance(STORAGE_RETRY_MS * 3); // retries fail while the lock is held
    expect(store.storageHealth()).toMatchObject({ state: 'degraded', held: 4 });
    expect(stored().map((r) => r.seq)).toEqual([1]);

    other.exec('COMMIT'); // writes work again
    clock.advance(STORAGE_RETRY_MS);
    expect(store.storageHealth()).toEqual({ state: 'ok', held: 0, dropped: 0 });
    expect(stored()).toEqual([
      { seq: 1, type: 'system.started' },
      { seq: 2, type: 'storage.degraded' },
      { seq: 3, type: 'access.granted' },
      { seq: 4, type: 'door.unlocked' },
      { seq: 5, type: 'access.denied' },
      { seq: 6, type: 'storage.recovered' },
    ]);
    expect(existsSync(reserve)).toBe(true);
    expect(announced.at(-1)).toMatchObject({ seq: 6, type: 'storage.recovered' });
    const recovered = store.audit.after(5, 1)[0]!;
    expect(recovered.data).toMatchObject({ written: 4, dropped: {}, degradedMs: STORAGE_RETRY_MS * 4 });
    expect(audit.append({ type: 'system.stopped', data: { panelId: 'p1' } }).seq).toBe(7);
  });

  it('a failed transaction that was held leaves nothing behind and reuses no seq', () => {
    const { store, clock, other, stored } = open();
    other.exec('BEGIN IMMEDIATE');
    store.audit.append({ type: 'system.started', data: { panelId: 'p1' } }); // seq 1 alarm, 2 held
    expect(() =>
      store.audit.transaction(() => {
        store.audit.append({ type: 'access.granted', readerId: 'r1', data: granted });
        throw new Error('door refused');
      }),
    ).toThrow('door refused');
    expect(store.audit.append({ type: 'system.stopped', data: { panelId: 'p1' } }).seq).toBe(3);
    other.exec('COMMIT');
    clock.advance(0);
    expect(stored().map((r) => r.type)).toEqual([
      'storage.degraded',
      'system.started',
      'system.stopped',
      'storage.recovered',
    ]);
  });

  it('refuses to join another transaction while degraded (its other writes would not wait)', () => {
    const { store, other } = open();
    other.exec('BEGIN IMMEDIATE');
    store.audit.append({ type: 'system.started', data: { panelId: 'p1' } });
    other.exec('COMMIT');
    expect(() =>
      store.transaction(() => store.audit.append({ type: 'system.stopped', data: { panelId: 'p1' } })),
    ).toThrow(/storage degraded/);
  });
});

describe('AuditBuffer', () => {
  it('is bounded: past its size events are counted by type and their seqs named, never kept', () => {
    const buffer = new AuditBuffer(2);
    buffer.degrade('SQLITE_FULL', 1000);
    const row = (seq: number, type: string) => ({
      seq,
      id: `e${seq}`,
      ts: 0,
      type,
      doorId: null,
      readerId: null,
      json: '{}',
    });
    buffer.hold(row(1, 'storage.degraded'));
    buffer.hold(row(2, 'access.granted'));
    buffer.hold(row(3, 'access.granted'));
    buffer.hold(row(4, 'door.unlocked'));
    expect(buffer.health()).toEqual({
      state: 'degraded',
      code: 'SQLITE_FULL',
      since: 1000,
      held: 2,
      dropped: 2,
    });
    expect(buffer.peek(10).map((r) => r.seq)).toEqual([1, 2]);
    buffer.written(2);
    expect(buffer.recover(4000)).toEqual({
      degradedMs: 3000,
      written: 2,
      dropped: { 'access.granted': 1, 'door.unlocked': 1 },
      droppedSeqs: { first: 3, last: 4 },
    });
    expect(buffer.health()).toEqual({ state: 'ok', held: 0, dropped: 0 });
  });
});
