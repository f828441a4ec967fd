/**
 * The panel's local SQLite database: building data to decide on, the hardware mirror of the config and
 * the audit log / sync outbox. One synchronous connection owned by the runtime process.
 */

import type { Database } from 'better-sqlite3';
import type { Clock } from '../../lib/clock/clock.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { openSqlite } from '../../lib/sqlite/open.ts';
import { AccessLookup } from './access-lookup.ts';
import type { StorageHealth } from './audit-buffer.ts';
import { SqliteAuditLog } from './audit-log.ts';
import { BuildingData } from './building-data.ts';
import { BuildingPatch } from './building-patch.ts';
import { BuildingRows } from './building-rows.ts';
import { DirectoryLookup } from './directory-lookup.ts';
import { Hardware } from './hardware.ts';
import { migrations } from './migrations.ts';
import { ResidentPanelLookup } from './resident-panel-lookup.ts';
import { storageFaultCode } from './storage-fault.ts';
import { DEFAULT_RESERVE_BYTES, StorageReserve } from './storage-reserve.ts';
import { SyncState } from './sync-state.ts';

/** SQLite page cache of the panel's connection, in KiB. */
export const PAGE_CACHE_KIB = 2048;

export interface StoreOptions {
  clock: Clock;
  logger: Logger;
  /** How long a write waits for another connection's lock (a backup, the CLI) before failing. */
  busyTimeoutMs?: number;
  /** Space kept free next to the database for the full-disk alarm (storage-reserve.ts); 0: none. */
  reserveBytes?: number;
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
  /** What a resident's sign-in at the panel reads (their card, PIN hash, own bells). */
  readonly residentPanel: ResidentPanelLookup;
  /** Runs `fn` in one transaction (nested calls become savepoints): all of it commits, or none. */
  transaction<T>(fn: () => T): T;
  /** A PASSIVE WAL checkpoint (the store never checkpoints on its own; see checkpointer.ts). */
  checkpoint(): { walFrames: number; checkpointed: number };
  /** Whether audit writes reach the disk, or are held in memory after a storage fault. */
  storageHealth(): StorageHealth;
  close(): void;
}

export function openStore(path: string, options: StoreOptions): Store {
  const logger = options.logger.child({ component: 'store' });
  const reserveBytes = options.reserveBytes ?? DEFAULT_RESERVE_BYTES;
  const onDisk = path !== ':memory:' && !path.startsWith('file:');
  const reserve =
    onDisk && reserveBytes > 0 ? new StorageReserve(`${path}.reserve`, reserveBytes, logger) : undefined;
  const { db, schemaVersion, fault } = openDegradable(path, options, reserve, logger);
  try {
    // A fresh install or a recovered disk gets its reserve; a disk with no room for it is degraded.
    const reserved = reserve === undefined || reserve.ensure();
    const degradedAtStart = fault ?? (reserved ? undefined : 'ENOSPC');
    const rows = new BuildingRows(db);
    const buildingData = new BuildingData(db, rows);
    const audit = new SqliteAuditLog(db, options.clock, { logger, reserve, degradedAtStart });
    const store: Store = {
      path,
      schemaVersion,
      audit,
      buildingData,
      hardware: new Hardware(db),
      access: new AccessLookup(db),
      directory: new DirectoryLookup(db),
      buildingPatch: new BuildingPatch(db, buildingData),
      sync: new SyncState(db),
      residentPanel: new ResidentPanelLookup(db),
      transaction: (fn) => db.transaction(fn)(),
      checkpoint: () => {
        const [row] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
        return { walFrames: row?.log ?? 0, checkpointed: row?.checkpointed ?? 0 };
      },
      storageHealth: () => audit.storageHealth(),
      close: () => {
        if (!db.open) return;
        audit.close();
        try {
          // Lets SQLite refresh planner statistics it found missing, as its docs advise before closing.
          db.pragma('optimize');
          db.pragma('wal_checkpoint(TRUNCATE)');
        } catch (err) {
          // A full or failing disk: the WAL stays, SQLite replays it on the next open.
          logger.warn({ err: errorMessage(err) }, 'store closed without a final checkpoint');
        }
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

/**
 * Opens the database; on a storage fault (a full disk cannot even hold the WAL index, -shm) frees the
 * reserve and tries again, and failing that opens with `locking_mode = EXCLUSIVE`, where SQLite keeps the
 * WAL index in heap memory: the panel can read its cards and run its doors, its audit log starts
 * degraded (and the CLI cannot read the database while the panel holds it).
 */
function openDegradable(
  path: string,
  options: StoreOptions,
  reserve: StorageReserve | undefined,
  logger: Logger,
): { db: Database; schemaVersion: number; fault?: string } {
  const open = (earlyPragmas: string[] = []) =>
    openSqlite(path, {
      what: 'database',
      migrations,
      logger,
      busyTimeoutMs: options.busyTimeoutMs ?? 5000,
      earlyPragmas,
      // Checkpoints run when writes have been quiet (checkpointer.ts), never inside a card tap's commit.
      // The page cache bounded at 2 MiB (better-sqlite3 builds SQLite with 16 MiB): the audit log grows
      // by ~400 bytes a tap, and each new page stayed cached until 16 MiB, which under sustained taps was
      // the panel's memory growth. What decisions read (cards, rules of a 10k building) fits.
      // The WAL is truncated back to 4 MiB when it restarts, so a burst does not keep its disk space.
      pragmas: ['wal_autocheckpoint = 0', `cache_size = -${PAGE_CACHE_KIB}`, 'journal_size_limit = 4194304'],
    });
  let fault: string | undefined;
  try {
    return open();
  } catch (err) {
    fault = storageFaultCode(err);
    if (fault === undefined) throw err;
    logger.error(
      { err: errorMessage(err) },
      'database could not be opened on this storage; freeing the reserve',
    );
  }
  if (reserve?.release()) {
    try {
      return { ...open(), fault };
    } catch (err) {
      if (storageFaultCode(err) === undefined) throw err;
    }
  }
  logger.error({ path }, 'storage degraded: database opened in exclusive locking mode (WAL index in memory)');
  return { ...open(['locking_mode = EXCLUSIVE']), fault };
}
