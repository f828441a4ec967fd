/**
 * Prepared statements for the building tables, shared by the whole-snapshot replace and the per-row
 * upserts. Upserts are `ON CONFLICT DO UPDATE`, never `INSERT OR REPLACE`: REPLACE deletes the old row
 * first, which would cascade away a door's relay or a resident's cards.
 */
import type { Database, Statement } from 'better-sqlite3';
import type {
  AccessRule,
  AppDevice,
  Bell,
  BellMember,
  Building,
  Card,
  Door,
  Resident,
  TimeProfile,
  Unit,
} from './snapshot.ts';

export type BuildingTable =
  | 'buildings'
  | 'doors'
  | 'units'
  | 'residents'
  | 'cards'
  | 'time_profiles'
  | 'access_rules'
  | 'bells'
  | 'bell_members'
  | 'app_devices';

// SQLite has no booleans: flags are stored as 0/1.
type Stored<T> = { [K in keyof T]: T[K] extends boolean ? 0 | 1 : T[K] };

export class BuildingRows {
  readonly #upsertBuilding: Statement<[Stored<Building>]>;
  readonly #upsertDoor: Statement<[Door]>;
  readonly #upsertUnit: Statement<[Unit]>;
  readonly #upsertResident: Statement<[Stored<Resident>]>;
  readonly #upsertCard: Statement<[Card]>;
  readonly #upsertProfile: Statement<[TimeProfile]>;
  readonly #clearIntervals: Statement<[string]>;
  readonly #insertInterval: Statement<[string, number, number, number]>;
  readonly #upsertRule: Statement<[AccessRule]>;
  readonly #upsertBell: Statement<[Bell]>;
  readonly #upsertMember: Statement<[BellMember]>;
  readonly #upsertAppDevice: Statement<[AppDevice]>;
  readonly #deletes: Record<BuildingTable, Statement<[string]>>;

  constructor(db: Database) {
    this.#upsertBuilding = db.prepare(
      `INSERT INTO buildings (id, name, time_zone, pictures_allowed) VALUES (@id, @name, @timeZone, @picturesAllowed)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone,
         pictures_allowed = excluded.pictures_allowed`,
    );
    this.#upsertDoor = db.prepare(
      `INSERT INTO doors (id, building_id, name) VALUES (@id, @buildingId, @name)
       ON CONFLICT (id) DO UPDATE SET building_id = excluded.building_id, name = excluded.name`,
    );
    this.#upsertUnit = db.prepare(
      `INSERT INTO units (id, building_id, name) VALUES (@id, @buildingId, @name)
       ON CONFLICT (id) DO UPDATE SET building_id = excluded.building_id, name = excluded.name`,
    );
    this.#upsertResident = db.prepare(
      `INSERT INTO residents (id, unit_id, name, status, display_name, picture, hidden, hidden_until,
         hidden_profile_id, ringtone, phone)
       VALUES (@id, @unitId, @name, @status, @displayName, @picture, @hidden, @hiddenUntil,
         @hiddenProfileId, @ringtone, @phone)
       ON CONFLICT (id) DO UPDATE SET unit_id = excluded.unit_id, name = excluded.name, status = excluded.status,
         display_name = excluded.display_name, picture = excluded.picture, hidden = excluded.hidden,
         hidden_until = excluded.hidden_until, hidden_profile_id = excluded.hidden_profile_id,
         ringtone = excluded.ringtone, phone = excluded.phone`,
    );
    this.#upsertCard = db.prepare(
      `INSERT INTO cards (id, uid, resident_id, status, valid_from, valid_until)
       VALUES (@id, @uid, @residentId, @status, @validFrom, @validUntil)
       ON CONFLICT (id) DO UPDATE SET uid = excluded.uid, resident_id = excluded.resident_id,
         status = excluded.status, valid_from = excluded.valid_from, valid_until = excluded.valid_until`,
    );
    this.#upsertProfile = db.prepare(
      `INSERT INTO time_profiles (id, building_id, name) VALUES (@id, @buildingId, @name)
       ON CONFLICT (id) DO UPDATE SET building_id = excluded.building_id, name = excluded.name`,
    );
    this.#clearIntervals = db.prepare('DELETE FROM time_profile_intervals WHERE profile_id = ?');
    // Identical intervals are harmless duplicates, not an error.
    this.#insertInterval = db.prepare(
      `INSERT OR IGNORE INTO time_profile_intervals (profile_id, weekday, start_minute, end_minute)
       VALUES (?, ?, ?, ?)`,
    );
    this.#upsertRule = db.prepare(
      `INSERT INTO access_rules (id, resident_id, door_id, time_profile_id, valid_from, valid_until)
       VALUES (@id, @residentId, @doorId, @timeProfileId, @validFrom, @validUntil)
       ON CONFLICT (id) DO UPDATE SET resident_id = excluded.resident_id, door_id = excluded.door_id,
         time_profile_id = excluded.time_profile_id, valid_from = excluded.valid_from,
         valid_until = excluded.valid_until`,
    );
    this.#upsertBell = db.prepare(
      `INSERT INTO bells (id, unit_id, type, display_text, resident_id, door_id, sort_key, ring_timeout_s, step_s)
       VALUES (@id, @unitId, @type, @displayText, @residentId, @doorId, @sortKey, @ringTimeoutS, @stepS)
       ON CONFLICT (id) DO UPDATE SET unit_id = excluded.unit_id, type = excluded.type,
         display_text = excluded.display_text, resident_id = excluded.resident_id, door_id = excluded.door_id,
         sort_key = excluded.sort_key, ring_timeout_s = excluded.ring_timeout_s, step_s = excluded.step_s`,
    );
    this.#upsertMember = db.prepare(
      `INSERT INTO bell_members (id, bell_id, resident_id, position, ring_s)
       VALUES (@id, @bellId, @residentId, @position, @ringS)
       ON CONFLICT (id) DO UPDATE SET bell_id = excluded.bell_id, resident_id = excluded.resident_id,
         position = excluded.position, ring_s = excluded.ring_s`,
    );
    this.#upsertAppDevice = db.prepare(
      `INSERT INTO app_devices (id, resident_id, name, last_seen_at) VALUES (@id, @residentId, @name, @lastSeenAt)
       ON CONFLICT (id) DO UPDATE SET resident_id = excluded.resident_id, name = excluded.name,
         last_seen_at = excluded.last_seen_at`,
    );
    const del = (table: BuildingTable) => db.prepare<[string]>(`DELETE FROM ${table} WHERE id = ?`);
    this.#deletes = {
      buildings: del('buildings'),
      doors: del('doors'),
      units: del('units'),
      residents: del('residents'),
      cards: del('cards'),
      time_profiles: del('time_profiles'),
      access_rules: del('access_rules'),
      bells: del('bells'),
      bell_members: del('bell_members'),
      app_devices: del('app_devices'),
    };
  }

  building(row: Building): void {
    this.#upsertBuilding.run({ ...row, picturesAllowed: row.picturesAllowed ? 1 : 0 });
  }

  door(row: Door): void {
    this.#upsertDoor.run(row);
  }

  unit(row: Unit): void {
    this.#upsertUnit.run(row);
  }

  resident(row: Resident): void {
    this.#upsertResident.run({ ...row, hidden: row.hidden ? 1 : 0 });
  }

  card(row: Card): void {
    this.#upsertCard.run(row);
  }

  /** Upserts the profile and replaces its intervals; call inside a transaction. */
  timeProfile(row: TimeProfile): void {
    this.#upsertProfile.run(row);
    this.#clearIntervals.run(row.id);
    for (const i of row.intervals) this.#insertInterval.run(row.id, i.weekday, i.startMinute, i.endMinute);
  }

  accessRule(row: AccessRule): void {
    this.#upsertRule.run(row);
  }

  bell(row: Bell): void {
    this.#upsertBell.run(row);
  }

  bellMember(row: BellMember): void {
    this.#upsertMember.run(row);
  }

  appDevice(row: AppDevice): void {
    this.#upsertAppDevice.run(row);
  }

  /** Deletes one row (and, by cascade, what hangs off it); false if there was none. */
  delete(table: BuildingTable, id: string): boolean {
    return this.#deletes[table].run(id).changes > 0;
  }
}
