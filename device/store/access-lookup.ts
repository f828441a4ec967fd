/**
 * The read side of access decisions: a few prepared statements on indexed columns, returning rows already
 * in the shape the decider uses (column aliases, no mapping pass).
 */
import type { Database, Statement } from 'better-sqlite3';

export interface CardLookup {
  cardId: string;
  status: 'active' | 'blocked' | 'revoked';
  validFrom: number | null;
  validUntil: number | null;
  residentId: string;
  residentStatus: 'active' | 'removed';
}

export interface RuleLookup {
  doorId: string;
  timeProfileId: string | null;
  validFrom: number | null;
  validUntil: number | null;
  /** The time zone of the profile's building (null when the rule has no profile). */
  timeZone: string | null;
}

export class AccessLookup {
  readonly #card: Statement<[string], CardLookup>;
  readonly #rules: Statement<[string], RuleLookup>;
  readonly #covers: Statement<[string, number, number, number], number>;

  constructor(db: Database) {
    this.#card = db.prepare(
      `SELECT c.id AS cardId, c.status, c.valid_from AS validFrom, c.valid_until AS validUntil,
         c.resident_id AS residentId, r.status AS residentStatus
       FROM cards c JOIN residents r ON r.id = c.resident_id
       WHERE c.uid = ?`,
    );
    this.#rules = db.prepare(
      `SELECT a.door_id AS doorId, a.time_profile_id AS timeProfileId, a.valid_from AS validFrom,
         a.valid_until AS validUntil, b.time_zone AS timeZone
       FROM access_rules a
       LEFT JOIN time_profiles p ON p.id = a.time_profile_id
       LEFT JOIN buildings b ON b.id = p.building_id
       WHERE a.resident_id = ?`,
    );
    this.#covers = db
      .prepare<[string, number, number, number], number>(
        `SELECT 1 FROM time_profile_intervals
         WHERE profile_id = ? AND weekday = ? AND start_minute <= ? AND end_minute > ? LIMIT 1`,
      )
      .pluck();
  }

  cardByUid(uid: string): CardLookup | undefined {
    return this.#card.get(uid);
  }

  /** Every rule of the resident, for all doors (a handful); the decider picks the reader's doors. */
  rulesOf(residentId: string): RuleLookup[] {
    return this.#rules.all(residentId);
  }

  /** Whether the profile has an interval containing local minute `minute` of `weekday` (0 = Monday). */
  profileCovers(profileId: string, weekday: number, minute: number): boolean {
    return this.#covers.get(profileId, weekday, minute, minute) !== undefined;
  }
}
