/**
 * The panel's local SQLite database: building data to decide on, the hardware mirror of the config and
 * the audit log / sync outbox. One synchronous connection owned by the runtime process.
 */
import type { Clock } from '../../lib/clock/clock.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { openSqlite } from '../../lib/sqlite/open.ts';
import { AccessLookup } from './access-lookup.ts';
import { SqliteAuditLog } from './audit-log.ts';
import { BuildingData } from './building-data.ts';
import { BuildingPatch } from './building-patch.ts';
import { BuildingRows } from './building-rows.ts';
import { DirectoryLookup } from './directory-lookup.ts';
import { Hardware } from './hardware.ts';
import { migrations } from './migrations.ts';
import { SyncState } from './sync-state.ts';

export interface StoreOptions {
  clock: Clock;
  logger: Logger;
  /** How long a write waits for another connection's lock (a backup, the CLI) before failing. */
  busyTimeoutMs?: number;
}

export interface Store {
  readonly path: string;
  readonly schemaVersion: number;
  readonly audit: SqliteAuditLog;
  readonly buildingData: BuildingData;
  readonly hardware: Hardware;
  readonly access: AccessLookup;
  /** The doorbell directory's rows (device/intercom/directory.ts computes from them). */
  readonly directory: DirectoryLookup;
  /** Incremental building-data changes (cloud config patches); run inside `transaction`. */
  readonly buildingPatch: BuildingPatch;
  /** Cloud sync counters, nonces and outbox maintenance. */
  readonly sync: SyncState;
  /** Runs `fn` in one transaction (nested calls become savepoints): all of it commits, or none. */
  transaction<T>(fn: () => T): T;
  /** A PASSIVE WAL checkpoint (the store never checkpoints on its own; see checkpointer.ts). */
  checkpoint(): { walFrames: number; checkpointed: number };
  close(): void;
}

export function openStore(path: string, options: StoreOptions): Store {
  const logger = options.logger.child({ component: 'store' });
  const { db, schemaVersion } = openSqlite(path, {
    what: 'database',
    migrations,
    logger,
    busyTimeoutMs: options.busyTimeoutMs ?? 5000,
    // Checkpoints run when writes have been quiet (checkpointer.ts), never inside a card tap's commit.
    pragmas: ['wal_autocheckpoint = 0'],
  });
  try {
    const rows = new BuildingRows(db);
    const buildingData = new BuildingData(db, rows);
    const store: Store = {
      path,
      schemaVersion,
      audit: new SqliteAuditLog(db, options.clock),
      buildingData,
      hardware: new Hardware(db),
      access: new AccessLookup(db),
      directory: new DirectoryLookup(db),
      buildingPatch: new BuildingPatch(db, buildingData),
      sync: new SyncState(db),
      transaction: (fn) => db.transaction(fn)(),
      checkpoint: () => {
        const [row] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
        return { walFrames: row?.log ?? 0, checkpointed: row?.checkpointed ?? 0 };
      },
      close: () => {
        if (!db.open) return;
        // Lets SQLite refresh planner statistics it found missing, as its docs advise before closing.
        db.pragma('optimize');
        db.pragma('wal_checkpoint(TRUNCATE)');
        db.close();
        logger.debug({ path }, 'store closed');
      },
    };
    logger.debug({ path, schemaVersion }, 'store opened');
    return store;
  } catch (err) {
    db.close();
    throw err;
  }
}
