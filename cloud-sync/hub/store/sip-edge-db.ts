/**
 * The SIP edge's database (Kamailio reads it with db_sqlite; only the hub writes it). Its schema is
 * deploy/sip/edge-schema.sql, executed as it is (idempotent: CREATE … IF NOT EXISTS), so the edge's
 * configuration and the hub can never disagree about a column. The hub writes only `panel` subscribers and
 * `panel_route`; `phone` subscribers (phones registering at the edge in the lab and the simulator) are
 * someone else's and left alone. In store/ because it is a database the hub writes (the layer rule: only
 * store/ holds connections); sip/edge-sync.ts decides what goes in.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Logger } from '../../../lib/log/logger.ts';
import { openSqlite } from '../../../lib/sqlite/open.ts';
import type { BuildingEdgeRows } from './sip-credentials.ts';

/** The shipped schema (deploy/sip/edge-schema.sql). */
export const EDGE_SCHEMA_FILE = resolve(import.meta.dirname, '../../../deploy/sip/edge-schema.sql');

export class EdgeDb {
  readonly #db: Database;
  readonly #writeBuilding: (rows: BuildingEdgeRows) => void;
  readonly #removeOthers: (panelIds: readonly string[]) => number;

  /**
   * Opens (creating if needed) the edge database at `path` and brings its tables up. Kamailio only reads,
   * and in WAL mode readers never block the writer; the short busy timeout bounds how long the hub's
   * (synchronous) write can wait on anything else that holds the lock: it fails and is retried instead.
   */
  constructor(path: string, logger: Logger, options: { busyTimeoutMs?: number } = {}) {
    const { db } = openSqlite(path, {
      what: 'SIP edge database',
      migrations: [],
      logger,
      busyTimeoutMs: options.busyTimeoutMs ?? 200,
    });
    this.#db = db;
    try {
      db.exec(readFileSync(EDGE_SCHEMA_FILE, 'utf8'));
    } catch (err) {
      db.close();
      throw err;
    }
    const deleteRoutes = db.prepare('DELETE FROM panel_route WHERE username = ?');
    const insertRoute = db.prepare('INSERT OR IGNORE INTO panel_route (username, number) VALUES (?, ?)');
    const deleteSubscriber = db.prepare("DELETE FROM subscriber WHERE username = ? AND role = 'panel'");
    const upsertSubscriber = db.prepare(
      `INSERT INTO subscriber (username, domain, password, ha1, ha1b, role) VALUES (?, ?, '', ?, '', 'panel')
       ON CONFLICT (username, domain) DO UPDATE SET password = '', ha1 = excluded.ha1, role = 'panel'`,
    );
    // Every panel subscriber under other domains goes: a panel has one account, at its current domain.
    const deleteOtherDomains = db.prepare(
      "DELETE FROM subscriber WHERE username = ? AND role = 'panel' AND domain <> ?",
    );
    const panelUsernames = db.prepare(
      "SELECT username FROM subscriber WHERE role = 'panel' UNION SELECT username FROM panel_route",
    );
    this.#writeBuilding = db.transaction((rows: BuildingEdgeRows) => {
      for (const { panelId, account } of rows.panels) {
        deleteRoutes.run(panelId);
        if (!account) {
          // No credential, no account: a panel that cannot authenticate must not keep an old one either.
          deleteSubscriber.run(panelId);
          continue;
        }
        deleteOtherDomains.run(panelId, account.domain);
        upsertSubscriber.run(panelId, account.domain, account.ha1);
        for (const number of rows.numbers) insertRoute.run(panelId, number);
      }
    });
    this.#removeOthers = db.transaction((panelIds: readonly string[]) => {
      const keep = new Set(panelIds);
      let removed = 0;
      for (const username of panelUsernames.pluck().all() as string[]) {
        if (keep.has(username)) continue;
        deleteRoutes.run(username);
        deleteSubscriber.run(username);
        removed++;
      }
      return removed;
    });
  }

  /**
   * Replaces, in one transaction, the subscriber and the routes of each panel of a building: a panel with
   * a credential gets its account and one route per number; one without gets neither.
   */
  writeBuilding(rows: BuildingEdgeRows): void {
    this.#writeBuilding(rows);
  }

  /** Removes the accounts and routes of every panel not in `panelIds` (removed panels); returns how many. */
  removePanelsExcept(panelIds: readonly string[]): number {
    return this.#removeOthers(panelIds);
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
