/**
 * Which resident owns which unit (hub migration 10): the owner chooses the unit's doorbell type per panel
 * in the resident app. At most one owner per unit and one unit per owner; the database forgets an owner
 * who moves to another unit or is removed (a trigger), so ownership never points across units.
 */
import type { Database } from 'better-sqlite3';
import { Statements } from './statements.ts';

export class UnitOwners {
  readonly #sql: Statements;

  constructor(db: Database) {
    this.#sql = new Statements(db);
  }

  ownerOf(unitId: string): string | null {
    const id = this.#sql.get('SELECT resident_id FROM unit_owners WHERE unit_id = ?').pluck().get(unitId);
    return id === undefined ? null : String(id);
  }

  /** The unit this resident owns, if any. */
  unitOf(residentId: string): string | undefined {
    const id = this.#sql.get('SELECT unit_id FROM unit_owners WHERE resident_id = ?').pluck().get(residentId);
    return id === undefined ? undefined : String(id);
  }

  /** Makes `residentId` the unit's owner (replacing any other), or clears it with null. */
  set(unitId: string, residentId: string | null): void {
    this.#sql.get('DELETE FROM unit_owners WHERE unit_id = ? OR resident_id = ?').run(unitId, residentId);
    if (residentId !== null)
      this.#sql.get('INSERT INTO unit_owners (unit_id, resident_id) VALUES (?, ?)').run(unitId, residentId);
  }
}
