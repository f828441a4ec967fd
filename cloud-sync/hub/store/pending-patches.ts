/**
 * Config patches sent on the fast path (a card change) before the panel's snapshot is recompiled: the
 * published version is the last pending one, and the recompile folds them into the stored snapshot.
 */
import type { Database } from 'better-sqlite3';
import type { SnapshotDiff } from '../config/diff.ts';

export interface PendingPatch {
  version: number;
  diff: SnapshotDiff;
}

export class PendingPatches {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  list(panelId: string): PendingPatch[] {
    const rows = this.#db
      .prepare('SELECT version, patch FROM panel_config_pending WHERE panel_id = ? ORDER BY version')
      .all(panelId) as { version: number; patch: string }[];
    return rows.map((r) => ({ version: r.version, diff: JSON.parse(r.patch) as SnapshotDiff }));
  }

  /** The version panels see: the last pending patch, else the stored snapshot's; undefined before any. */
  currentVersion(panelId: string): number | undefined {
    const row = this.#db
      .prepare(
        `SELECT COALESCE((SELECT MAX(version) FROM panel_config_pending WHERE panel_id = @p),
                         (SELECT version FROM panel_config WHERE panel_id = @p)) AS version`,
      )
      .get({ p: panelId }) as { version: number | null };
    return row.version ?? undefined;
  }

  add(panelId: string, version: number, diff: SnapshotDiff): void {
    this.#db
      .prepare('INSERT INTO panel_config_pending (panel_id, version, patch) VALUES (?, ?, ?)')
      .run(panelId, version, JSON.stringify(diff));
  }

  clear(panelId: string): void {
    this.#db.prepare('DELETE FROM panel_config_pending WHERE panel_id = ?').run(panelId);
  }

  panelsWithPending(): string[] {
    return this.#db.prepare('SELECT DISTINCT panel_id FROM panel_config_pending').pluck().all() as string[];
  }
}
