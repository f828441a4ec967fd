/**
 * Single use of signed commands in the panel's database, across clock steps and restarts: a nonce pruned
 * by the wall clock stays refused after the clock is stepped back, also when the store was closed and
 * reopened in between (the horizon is persisted with the nonces).
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { NonceCache } from '../../../cloud-sync/agent/nonce-cache.ts';
import { CLOCK_SKEW_MS } from '../../../cloud-sync/protocol/signing.ts';
import { openStore } from '../../../device/store/store.ts';
import { SqliteNonceStore } from '../../../device/sync/nonce-store.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { tempDir } from '../../support/temp-dir.ts';

const nonce = (n: number) => `nonce-${String(n).padStart(12, '0')}`;
const LIFETIME = 30_000;

describe('SqliteNonceStore across clock steps and restarts', () => {
  it('refuses a pruned nonce after a step back, after a restart too; accepts newer commands', () => {
    const path = join(tempDir(), 'panel.db');
    const clock = new FakeClock();
    const t0 = clock.now();
    const open = () => {
      const store = openStore(path, { clock, logger: silentLogger });
      return {
        store,
        cache: new NonceCache(new SqliteNonceStore(store.sync)),
        nonces: new SqliteNonceStore(store.sync),
      };
    };

    let { store, cache, nonces } = open();
    expect(nonces.horizon()).toBe(Number.NEGATIVE_INFINITY);
    expect(cache.accept(nonce(1), t0 + LIFETIME, clock.now())).toBe('accepted');
    // Forward beyond expiry and skew: accepting the next command prunes the first.
    clock.setWallTime(t0 + LIFETIME + CLOCK_SKEW_MS + 1_000);
    expect(cache.accept(nonce(2), clock.now() + LIFETIME, clock.now())).toBe('accepted');
    expect(nonces.count()).toBe(1);
    expect(nonces.horizon()).toBe(t0 + LIFETIME);
    // Back inside the first command's window.
    clock.setWallTime(t0 + 1_000);
    expect(cache.accept(nonce(1), t0 + LIFETIME, clock.now())).toBe('stale');

    store.close();
    ({ store, cache, nonces } = open());
    try {
      expect(nonces.horizon()).toBe(t0 + LIFETIME);
      expect(cache.accept(nonce(1), t0 + LIFETIME, clock.now())).toBe('stale');
      expect(cache.accept(nonce(2), clock.now() + 2 * LIFETIME, clock.now())).toBe('replayed');
      expect(cache.accept(nonce(3), t0 + LIFETIME + 1, clock.now())).toBe('accepted');
      // Pruning after a step back forgets nothing newer and never lowers the horizon.
      clock.setWallTime(t0 - 86_400_000);
      expect(cache.accept(nonce(4), t0 + LIFETIME + 2, clock.now())).toBe('accepted');
      expect(nonces.horizon()).toBe(t0 + LIFETIME);
      expect(nonces.count()).toBe(3);
      // Far forward: everything is pruned, and the horizon is the latest expiry forgotten, not the clock.
      clock.setWallTime(t0 + 86_400_000);
      expect(cache.accept(nonce(5), clock.now() + LIFETIME, clock.now())).toBe('accepted');
      expect(nonces.count()).toBe(1);
      expect(nonces.horizon()).toBe(t0 + 2 * LIFETIME + CLOCK_SKEW_MS + 1_000); // nonce 2
    } finally {
      store.close();
    }
  });

  it('keeps single use on storage that takes no writes: nonces held in memory, a replay still refused', () => {
    const path = join(tempDir(), 'panel.db');
    const clock = new FakeClock();
    const store = openStore(path, { clock, logger: silentLogger, busyTimeoutMs: 0 });
    const other = new Database(path);
    const t0 = clock.now();
    try {
      const cache = new NonceCache(new SqliteNonceStore(store.sync, silentLogger));
      expect(cache.accept(nonce(1), clock.now() + LIFETIME, clock.now())).toBe('accepted');
      other.exec('BEGIN IMMEDIATE'); // the storage stops taking writes (SQLITE_BUSY, as a full disk would)
      expect(cache.accept(nonce(2), clock.now() + LIFETIME, clock.now())).toBe('accepted');
      expect(cache.accept(nonce(2), clock.now() + LIFETIME, clock.now())).toBe('replayed');
      expect(cache.accept(nonce(1), clock.now() + LIFETIME, clock.now())).toBe('replayed');
      // Past expiry the held nonce is pruned in memory and its command is stale from then on.
      clock.setWallTime(clock.now() + LIFETIME + CLOCK_SKEW_MS + 1_000);
      expect(cache.accept(nonce(3), clock.now() + LIFETIME, clock.now())).toBe('accepted');
      expect(cache.accept(nonce(2), t0 + LIFETIME, clock.now())).toBe('stale');
      other.exec('ROLLBACK');
      expect(cache.accept(nonce(3), clock.now() + LIFETIME, clock.now())).toBe('replayed');
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
      store.close();
    }
  });
});
