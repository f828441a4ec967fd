/**
 * The hub's SQLite database — the only state the hub has (see README.md). One synchronous connection per
 * hub process; WAL lets the CLI and a backup read while the hub writes.
 */
import type { Database } from 'better-sqlite3';
import type { Clock } from '../../../lib/clock/clock.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import { openSqlite } from '../../../lib/sqlite/open.ts';
import { CommandLog } from './command-log.ts';
import { Entities } from './entities.ts';
import { EventLog } from './event-log.ts';
import { migrations } from './migrations.ts';
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
  // An acked event must survive a crash (synchronous = FULL): the panel deletes it from its outbox on our ack.
  const { db } = openSqlite(path, { what: 'hub database', migrations, logger });
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
