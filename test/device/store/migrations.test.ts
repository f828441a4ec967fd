import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { latestVersion } from '../../../device/store/migrations.ts';
import { openStore } from '../../../device/store/store.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { PortvaktError } from '../../../lib/errors.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { migrate, schemaVersion } from '../../../lib/sqlite/migrations.ts';
import { smallSnapshot, tempDir } from './temp-store.ts';

const opts = { clock: new FakeClock(), logger: silentLogger };

describe('store migrations', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('creates the schema in an empty file, in WAL mode', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const store = openStore(t.path, opts);
    expect(store.schemaVersion).toBe(latestVersion);
    store.close();

    const db = new Database(t.path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(schemaVersion(db)).toBe(latestVersion);
    const tables = db
      .prepare<[], string>(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
      .pluck()
      .all();
    expect(tables).toEqual(
      expect.arrayContaining([
        'access_rules',
        'audit_events',
        'buildings',
        'cards',
        'doors',
        'reader_doors',
        'readers',
        'relays',
        'residents',
        'time_profile_intervals',
        'time_profiles',
        'units',
      ]),
    );
    db.close();
  });

  it('reopens an up-to-date database without changing it', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const first = openStore(t.path, opts);
    first.buildingData.replaceBuildingData(smallSnapshot());
    first.audit.append({ type: 'system.started' });
    first.close();

    const again = openStore(t.path, opts);
    expect(again.schemaVersion).toBe(latestVersion);
    expect(again.access.cardByUid('04A1B2C3')?.cardId).toBe('c-alice');
    expect(again.audit.lastSeq()).toBe(1);
    again.close();
  });

  it('refuses a database written by a newer version, and leaves it untouched', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const db = new Database(t.path);
    db.pragma(`user_version = ${latestVersion + 1}`);
    db.close();

    let error: unknown;
    try {
      openStore(t.path, opts);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PortvaktError);
    expect((error as PortvaktError).code).toBe('store_too_new');
    expect((error as Error).message).toMatch(/schema version \d+.*only up to \d+/);

    const check = new Database(t.path, { readonly: true });
    expect(schemaVersion(check)).toBe(latestVersion + 1);
    check.close();
  });

  it('applies pending migrations in order, each atomically with its version', () => {
    const db = new Database(':memory:');
    const list = [
      { version: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER);' },
      { version: 2, name: 'b', sql: 'CREATE TABLE b (x INTEGER);' },
    ];
    expect(migrate(db, silentLogger, list.slice(0, 1))).toBe(1);
    expect(migrate(db, silentLogger, list)).toBe(2);
    expect(migrate(db, silentLogger, list)).toBe(2);

    const broken = [
      ...list,
      { version: 3, name: 'broken', sql: 'CREATE TABLE c (x INTEGER); SELECT * FROM nope;' },
    ];
    expect(() => migrate(db, silentLogger, broken)).toThrow(/no such table: nope/);
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'c'`).pluck().get()).toBe(0);
    db.close();
  });
});
