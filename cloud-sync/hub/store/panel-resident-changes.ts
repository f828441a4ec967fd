/**
 * The resident changes panels sent (hub migration 13): one row per `resident.panel_settings_changed`
 * event, by the panel's event id. `claim` inserts it in the transaction that applies the change, so a
 * resent event finds its row and is not applied again; a refused change is recorded with why.
 */
import type { Database } from 'better-sqlite3';
import { Statements } from './statements.ts';

export interface PanelResidentChange {
  panelId: string;
  eventId: string;
  residentId: string;
  outcome: 'applied' | 'refused';
  detail: string | null;
  at: number;
}

export class PanelResidentChanges {
  readonly #sql: Statements;

  constructor(db: Database) {
    this.#sql = new Statements(db);
  }

  /** Records the event as applied; false when it was taken before (applied or refused). */
  claim(panelId: string, eventId: string, residentId: string, now: number): boolean {
    return (
      this.#sql
        .get(
          `INSERT INTO panel_resident_changes (panel_id, event_id, resident_id, outcome, at)
           VALUES (?, ?, ?, 'applied', ?) ON CONFLICT DO NOTHING`,
        )
        .run(panelId, eventId, residentId, now).changes === 1
    );
  }

  /** Records the event as refused (nothing applied), unless it was taken before. */
  refuse(panelId: string, eventId: string, residentId: string, detail: string, now: number): void {
    this.#sql
      .get(
        `INSERT INTO panel_resident_changes (panel_id, event_id, resident_id, outcome, detail, at)
         VALUES (?, ?, ?, 'refused', ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(panelId, eventId, residentId, detail.slice(0, 200), now);
  }

  /** What became of one event, if the hub took it. */
  of(panelId: string, eventId: string): PanelResidentChange | undefined {
    return this.#sql
      .get(
        `SELECT panel_id AS panelId, event_id AS eventId, resident_id AS residentId, outcome, detail, at
         FROM panel_resident_changes WHERE panel_id = ? AND event_id = ?`,
      )
      .get(panelId, eventId) as PanelResidentChange | undefined;
  }
}
