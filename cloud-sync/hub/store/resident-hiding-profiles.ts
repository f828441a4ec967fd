/**
 * Which time profile each resident made in the app for "hide on a weekly schedule" (hub migration 9).
 * Only such a profile may be changed from the resident app: a resident can hide by an administrator's
 * profile the administrator chose for them, but never rewrite it (access rules may use it too).
 */
import type { Database } from 'better-sqlite3';
import { Statements } from './statements.ts';

export class ResidentHidingProfiles {
  readonly #sql: Statements;

  constructor(db: Database) {
    this.#sql = new Statements(db);
  }

  /** The id of the resident's own hiding profile, if they made one. */
  of(residentId: string): string | undefined {
    const id = this.#sql
      .get('SELECT time_profile_id FROM resident_hiding_profiles WHERE resident_id = ?')
      .pluck()
      .get(residentId);
    return id === undefined ? undefined : String(id);
  }

  /** Whether some resident owns this profile (so an administrator's profile is never taken over). */
  isOwned(timeProfileId: string): boolean {
    return (
      this.#sql.get('SELECT 1 FROM resident_hiding_profiles WHERE time_profile_id = ?').get(timeProfileId) !==
      undefined
    );
  }

  own(residentId: string, timeProfileId: string): void {
    this.#sql
      .get('INSERT INTO resident_hiding_profiles (resident_id, time_profile_id) VALUES (?, ?)')
      .run(residentId, timeProfileId);
  }
}
