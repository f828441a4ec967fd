/**
 * The panel's local SQLite database: building data to decide on, the hardware mirror of the config and
 * the audit log / sync outbox. One synchronous connection owned by the runtime process.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import DatabaseConstructor, { type Database } from 'better-sqlite3';
import type { Clock } from '../../hal/clock/clock.ts';
import { errorMessage, PortvaktError } from '../../hal/errors.ts';
import type { Logger } from '../../hal/logger.ts';
import { AccessLookup } from './access-lookup.ts';
import { SqliteAuditLog } from './audit-log.ts';
import { BuildingData } from './building-data.ts';
import { BuildingPatch } from './building-patch.ts';
import { BuildingRows } from './building-rows.ts';
import { DirectoryLookup } from './directory-lookup.ts';
import { Hardware } from './hardware.ts';
import { migrate } from './migrations.ts';
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
  if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
  let db: Database;
  try {
    db = new DatabaseConstructor(path);
  } catch (err) {
    throw new PortvaktError('store_open_failed', `cannot open database ${path}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    db.pragma('journal_mode = WAL');
    // FULL: in WAL mode this fsyncs the WAL on every commit, so an appended audit event survives power
    // loss (NORMAL could lose the last commits).
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Checkpoints run when writes have been quiet (checkpointer.ts), never inside a card tap's commit.
    db.pragma('wal_autocheckpoint = 0');
    const schemaVersion = migrate(db, logger);
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
