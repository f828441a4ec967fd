import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BuildingSnapshotInput } from '../../../device/store/snapshot.ts';
import { openStore, type Store } from '../../../device/store/store.ts';
import type { Clock } from '../../../lib/clock/clock.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { tempDir as scratchDir } from '../../support/temp-dir.ts';

/** A scratch directory for database files, removed by `cleanup`. */
export function tempDir(): { dir: string; path: string; cleanup: () => void } {
  const dir = scratchDir('portvakt-store-');
  return { dir, path: join(dir, 'panel.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function openTempStore(clock: Clock = new FakeClock()): {
  store: Store;
  path: string;
  cleanup: () => void;
} {
  const t = tempDir();
  const store = openStore(t.path, { clock, logger: silentLogger });
  return {
    store,
    path: t.path,
    cleanup: () => {
      store.close();
      t.cleanup();
    },
  };
}

/**
 * Reads the database file through a second, read-only connection: what is on disk, not what the store's
 * own connection may hold.
 */
export function readStoreFile<T>(path: string, read: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** One building in Stockholm with two doors, one unit, one resident and one card allowed at the front. */
export function smallSnapshot(): BuildingSnapshotInput {
  return {
    buildings: [{ id: 'b1', name: 'Storgatan 1', timeZone: 'Europe/Stockholm' }],
    doors: [
      { id: 'front', buildingId: 'b1', name: 'Front door' },
      { id: 'garage', buildingId: 'b1', name: 'Garage' },
    ],
    units: [{ id: 'u1', buildingId: 'b1', name: '1101' }],
    residents: [{ id: 'alice', unitId: 'u1', name: 'Alice' }],
    cards: [{ id: 'c-alice', uid: '04A1B2C3', residentId: 'alice' }],
    timeProfiles: [
      {
        id: 'office',
        buildingId: 'b1',
        name: 'Office hours',
        intervals: [{ weekday: 0, startMinute: 480, endMinute: 1020 }],
      },
    ],
    accessRules: [{ id: 'r1', residentId: 'alice', doorId: 'front' }],
  };
}
