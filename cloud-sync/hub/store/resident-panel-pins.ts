/**
 * Residents' panel PINs (hub migration 13): the scrypt hash of the PIN a resident set in the app, which
 * the panels of their building receive in their snapshot (snapshot-source.ts). Nothing here returns the
 * hash to an API: `status` says whether one is set, and since when.
 */
import type { Database } from 'better-sqlite3';
import { Statements } from './statements.ts';

export class ResidentPanelPins {
  readonly #sql: Statements;

  constructor(db: Database) {
    this.#sql = new Statements(db);
  }

  set(residentId: string, pinHash: string, now: number): void {
    this.#sql
      .get(
        `INSERT INTO resident_panel_pins (resident_id, pin_hash, set_at) VALUES (?, ?, ?)
         ON CONFLICT (resident_id) DO UPDATE SET pin_hash = excluded.pin_hash, set_at = excluded.set_at`,
      )
      .run(residentId, pinHash, now);
  }

  /** Whether there was one to clear. */
  clear(residentId: string): boolean {
    return this.#sql.get('DELETE FROM resident_panel_pins WHERE resident_id = ?').run(residentId).changes > 0;
  }

  status(residentId: string): { set: boolean; setAt: number | null } {
    const setAt = this.#sql
      .get('SELECT set_at FROM resident_panel_pins WHERE resident_id = ?')
      .pluck()
      .get(residentId) as number | undefined;
    return { set: setAt !== undefined, setAt: setAt ?? null };
  }
}
