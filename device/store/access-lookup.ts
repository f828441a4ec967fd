/**
 * The read side of access decisions: a few prepared statements on indexed columns, returning rows already
 * in the shape the decider uses (column aliases, no mapping pass).
 *
 * Parent rows are fetched with scalar subqueries rather than JOINs: measured with SQLite 3.54 and 100k
 * cards, the equivalent JOIN (same index searches in its plan) took ~26 µs per card lookup against ~6 µs
 * for the subquery form. Re-measure with scripts/bench/decision.ts before "simplifying" these back.
 */
import type { Database, Statement } from 'better-sqlite3';

export interface CardLookup {
  cardId: string;
  status: 'active' | 'blocked' | 'revoked';
  validFrom: number | null;
  validUntil: number | null;
  residentId: string;
  residentStatus: 'active' | 'removed';
  /** What enrolment wrote into the card (secure modes); null: enrolled by UID only. */
  credential: string | null;
}

/** How the building of a door tells its own cards (cloud-sync/protocol/building.ts `buildingCardFields`). */
export interface DoorCardPolicy {
  cardMode: 'uid' | 'desfire' | 'classic';
  /** 1: cards without a credential still open by UID (a building moving to secure cards). */
  cardAcceptUid: number;
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
  readonly #doorPolicy: Statement<[string], DoorCardPolicy>;

  constructor(db: Database) {
    this.#card = db.prepare(
      `SELECT id AS cardId, status, valid_from AS validFrom, valid_until AS validUntil, resident_id AS residentId,
         (SELECT status FROM residents WHERE residents.id = cards.resident_id) AS residentStatus, credential
       FROM cards WHERE uid = ?`,
    );
    this.#rules = db.prepare(
      `SELECT door_id AS doorId, time_profile_id AS timeProfileId, valid_from AS validFrom,
         valid_until AS validUntil,
         (SELECT time_zone FROM buildings WHERE buildings.id =
           (SELECT building_id FROM time_profiles WHERE time_profiles.id = access_rules.time_profile_id)) AS timeZone
       FROM access_rules WHERE resident_id = ?`,
    );
    this.#covers = db
      .prepare<[string, number, number, number], number>(
        `SELECT 1 FROM time_profile_intervals
         WHERE profile_id = ? AND weekday = ? AND start_minute <= ? AND end_minute > ? LIMIT 1`,
      )
      .pluck();
    this.#doorPolicy = db.prepare(
      `SELECT card_mode AS cardMode, card_accept_uid AS cardAcceptUid FROM buildings
       WHERE id = (SELECT building_id FROM doors WHERE doors.id = ?)`,
    );
  }

  /** The card policy of the door's building; undefined for a door no building data names (local doors). */
  doorCardPolicy(doorId: string): DoorCardPolicy | undefined {
    return this.#doorPolicy.get(doorId);
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
