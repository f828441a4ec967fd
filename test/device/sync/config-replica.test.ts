import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigPatchMessage } from '../../../cloud-sync/protocol/messages.ts';
import { StoreConfigReplica, StoreHubKeys } from '../../../device/sync/config-replica.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { ValidationError } from '../../../lib/errors.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { FakeAudit } from '../door/fakes.ts';
import { openTempStore, smallSnapshot } from '../store/temp-store.ts';

function setup() {
  const t = openTempStore();
  const audit = new FakeAudit(new FakeClock());
  const replica = new StoreConfigReplica(t.store, audit, silentLogger);
  // A second connection, as another reader (a backup, the CLI) would see the database.
  const reader = new Database(t.path, { readonly: true });
  const seen = () => ({
    version: reader.prepare(`SELECT value FROM sync_state WHERE key = 'config_version'`).pluck().get(),
    cards: reader.prepare('SELECT id FROM cards ORDER BY id').pluck().all(),
  });
  return {
    ...t,
    audit,
    replica,
    seen,
    cleanup: () => {
      reader.close();
      t.cleanup();
    },
  };
}

const patch = (p: Partial<ConfigPatchMessage> & { baseVersion: number }): ConfigPatchMessage => ({
  protocol: 1,
  deviceId: 'p1',
  epoch: 1,
  hubKeys: ['A'.repeat(43)],
  version: p.baseVersion + 1,
  issuedAt: 1,
  upsert: {},
  delete: {},
  ...p,
});

describe('StoreConfigReplica', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('applies a snapshot and its version in one transaction: readers see old or new, never a mix', () => {
    const h = setup();
    cleanup = h.cleanup;
    expect(h.replica.version()).toBe(0);
    h.store.transaction(() => {
      h.replica.applySnapshot({ epoch: 1, version: 5 }, smallSnapshot());
      // Inside the (still open) transaction another connection sees the old config with the old version.
      expect(h.seen()).toEqual({ version: 0, cards: [] });
    });
    expect(h.seen()).toEqual({ version: 5, cards: ['c-alice'] });
    expect(h.audit.ofType('config.applied')).toHaveLength(1);
  });

  it('an invalid snapshot changes nothing and throws a ValidationError with the reason', () => {
    const h = setup();
    cleanup = h.cleanup;
    h.replica.applySnapshot({ epoch: 1, version: 5 }, smallSnapshot());
    const bad = smallSnapshot();
    bad.accessRules = [{ id: 'r2', residentId: 'nobody', doorId: 'front' }];
    expect(() => h.replica.applySnapshot({ epoch: 1, version: 6 }, bad)).toThrow(ValidationError);
    expect(() => h.replica.applySnapshot({ epoch: 1, version: 6 }, { cards: 'x' })).toThrow(/cards/);
    expect(h.seen()).toEqual({ version: 5, cards: ['c-alice'] });
    expect(() => h.replica.applySnapshot({ epoch: 1, version: 5 }, smallSnapshot())).toThrow(/not newer/);
  });

  it('applies a patch: deletes, then upserts, and the version', () => {
    const h = setup();
    cleanup = h.cleanup;
    h.replica.applySnapshot({ epoch: 1, version: 5 }, smallSnapshot());
    h.replica.applyPatch(
      patch({
        baseVersion: 5,
        delete: { cards: ['c-alice'] },
        upsert: { cards: [{ id: 'c-new', uid: '04a1b2c4', residentId: 'alice' }] },
      }),
    );
    expect(h.seen()).toEqual({ version: 6, cards: ['c-new'] });
  });

  it('a patch with a bad row or the wrong base changes nothing', () => {
    const h = setup();
    cleanup = h.cleanup;
    h.replica.applySnapshot({ epoch: 1, version: 5 }, smallSnapshot());
    const bad = patch({
      baseVersion: 5,
      delete: { cards: ['c-alice'] },
      upsert: { cards: [{ id: 'c-x', uid: 'nothex', residentId: 'alice' }] },
    });
    expect(() => h.replica.applyPatch(bad)).toThrow(/upsert\.cards\[0\]/);
    const dangling = patch({
      baseVersion: 5,
      upsert: { cards: [{ id: 'c-y', uid: '04A1B2C5', residentId: 'ghost' }] },
    });
    expect(() => h.replica.applyPatch(dangling)).toThrow(ValidationError);
    expect(() => h.replica.applyPatch(patch({ baseVersion: 4 }))).toThrow(/based on version 4/);
    expect(h.seen()).toEqual({ version: 5, cards: ['c-alice'] });
  });

  it('a patch that deletes a wired door moves it to the local building instead', () => {
    const h = setup();
    cleanup = h.cleanup;
    h.replica.applySnapshot({ epoch: 1, version: 5 }, smallSnapshot());
    const db = new Database(h.path);
    db.prepare(
      `INSERT INTO relays (door_id, chip, line, active_low, pulse_ms, fail_mode) VALUES ('front', 'c', 1, 0, 1000, 'secure')`,
    ).run();
    db.close();
    h.replica.applyPatch(patch({ baseVersion: 5, delete: { buildings: ['b1'], doors: ['front'] } }));
    const check = new Database(h.path, { readonly: true });
    expect(check.prepare(`SELECT building_id FROM doors WHERE id = 'front'`).pluck().get()).toBe('local');
    expect(check.prepare('SELECT count(*) FROM relays').pluck().get()).toBe(1);
    check.close();
  });

  it('keeps learned hub keys in the store, under the configured key they were learned from', () => {
    const h = setup();
    cleanup = h.cleanup;
    const anchor = 'A'.repeat(43);
    const learned = new StoreHubKeys(h.store.sync, anchor);
    expect(learned.load()).toBeUndefined();
    learned.save(['B'.repeat(43), 'C'.repeat(43)]);
    // The same store opened again (a restart) knows them; re-provisioned with another key it starts over.
    expect(new StoreHubKeys(h.store.sync, anchor).load()).toEqual(['B'.repeat(43), 'C'.repeat(43)]);
    expect(new StoreHubKeys(h.store.sync, 'D'.repeat(43)).load()).toBeUndefined();
  });
});
