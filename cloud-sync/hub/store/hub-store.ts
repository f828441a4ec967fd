/**
 * The hub's SQLite database — the only state the hub has (see README.md). One synchronous connection per
 * hub process; WAL lets the CLI and a backup read while the hub writes.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import DatabaseConstructor, { type Database } from 'better-sqlite3';
import type { Clock } from '../../../hal/clock/clock.ts';
import { errorMessage, PortvaktError } from '../../../hal/errors.ts';
import type { Logger } from '../../../hal/logger.ts';
import { CommandLog } from './command-log.ts';
import { Entities } from './entities.ts';
import { EventLog } from './event-log.ts';
import { migrate } from './migrations.ts';
import { PanelStatus } from './panel-status.ts';
import { PendingPatches } from './pending-patches.ts';

export interface HubStore {
  readonly path: string;
  readonly db: Database;
  readonly entities: Entities;
  readonly panels: PanelStatus;
  readonly events: EventLog;
  readonly commands: CommandLog;
  readonly pendingPatches: PendingPatches;
  close(): void;
}

export function openHubStore(path: string, options: { clock: Clock; logger: Logger }): HubStore {
  const logger = options.logger.child({ component: 'hub-store' });
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let db: Database;
  try {
    db = new DatabaseConstructor(path);
  } catch (err) {
    throw new PortvaktError('store_open_failed', `cannot open hub database ${path}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    // An acked event must survive a crash: the panel deletes it from its outbox on our ack.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db, logger);
  } catch (err) {
    db.close();
    throw err;
  }
  return {
    path,
    db,
    entities: new Entities(db, options.clock),
    panels: new PanelStatus(db),
    events: new EventLog(db),
    commands: new CommandLog(db),
    pendingPatches: new PendingPatches(db),
    close: () => {
      if (db.open) db.close();
    },
  };
}
