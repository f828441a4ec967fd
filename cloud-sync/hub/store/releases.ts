/**
 * The release catalogue and each panel's update status (hub migration 15). Rows only: verifying a bundle
 * and keeping its file is releases/catalogue.ts; turning panel events into status is
 * releases/update-status.ts.
 */
import type { Database } from 'better-sqlite3';
import type { PanelUpdateView, ReleaseView } from '../../protocol/admin-releases.ts';
import { Statements } from './statements.ts';

type ReleaseRow = {
  id: string;
  version: string;
  compatible: string;
  sha256: string;
  size_bytes: number;
  added_at: number;
};

type UpdateRow = {
  release_id: string;
  version: string;
  state: PanelUpdateView['state'];
  percent: number | null;
  reason: string | null;
  detail: string | null;
  nonce: string | null;
  updated_at: number;
};

export class Releases {
  readonly #sql: Statements;

  constructor(db: Database) {
    this.#sql = new Statements(db);
  }

  add(release: ReleaseView): void {
    this.#sql
      .get(
        `INSERT INTO releases (id, version, compatible, sha256, size_bytes, added_at) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(
        release.id,
        release.version,
        release.compatible,
        release.sha256,
        release.sizeBytes,
        release.addedAt,
      );
  }

  get(id: string): ReleaseView | undefined {
    const row = this.#sql.get('SELECT * FROM releases WHERE id = ?').get(id) as ReleaseRow | undefined;
    return row ? releaseView(row) : undefined;
  }

  bySha256(sha256: string): ReleaseView | undefined {
    const row = this.#sql.get('SELECT * FROM releases WHERE sha256 = ?').get(sha256) as
      | ReleaseRow
      | undefined;
    return row ? releaseView(row) : undefined;
  }

  list(): ReleaseView[] {
    return (this.#sql.get('SELECT * FROM releases ORDER BY added_at DESC, id').all() as ReleaseRow[]).map(
      releaseView,
    );
  }

  /** The panel's update status, or null when none was ever requested. */
  panelUpdate(panelId: string): PanelUpdateView | null {
    const row = this.#sql.get('SELECT * FROM panel_updates WHERE panel_id = ?').get(panelId) as
      | UpdateRow
      | undefined;
    if (!row) return null;
    return {
      releaseId: row.release_id,
      version: row.version,
      state: row.state,
      percent: row.percent,
      reason: row.reason,
      detail: row.detail,
      nonce: row.nonce,
      updatedAt: row.updated_at,
    };
  }

  /** Replaces the panel's update status (a new request) or moves it on (an event of the same release). */
  setPanelUpdate(panelId: string, view: PanelUpdateView): void {
    this.#sql
      .get(
        `INSERT INTO panel_updates (panel_id, release_id, version, state, percent, reason, detail, nonce, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (panel_id) DO UPDATE SET release_id = excluded.release_id, version = excluded.version,
           state = excluded.state, percent = excluded.percent, reason = excluded.reason,
           detail = excluded.detail, nonce = coalesce(excluded.nonce, panel_updates.nonce),
           updated_at = excluded.updated_at`,
      )
      .run(
        panelId,
        view.releaseId,
        view.version,
        view.state,
        view.percent,
        view.reason,
        view.detail,
        view.nonce,
        view.updatedAt,
      );
  }
}

function releaseView(row: ReleaseRow): ReleaseView {
  return {
    id: row.id,
    version: row.version,
    compatible: row.compatible,
    sha256: row.sha256,
    sizeBytes: row.size_bytes,
    addedAt: row.added_at,
  };
}
