/**
 * The read side of the doorbell directory: every bell with its members, the residents they can ring (a
 * unit bell without members rings its whole unit), those residents' app devices and the time profiles
 * that hide them, in the shape of the snapshot's rows, so directory logic runs on a snapshot as well.
 * A panel holds tens to a few hundred bells, so one read of all of it per question is cheap.
 */
import type { Database } from 'better-sqlite3';
import type { AppDevice, Bell, BellMember, Building, Resident, TimeProfile, Unit } from './snapshot.ts';

/** The directory rows of a panel (a BuildingSnapshot is one too). */
export interface DirectoryRows {
  buildings: readonly Pick<
    Building,
    | 'id'
    | 'name'
    | 'timeZone'
    | 'picturesAllowed'
    | 'phonePrompt'
    | 'phoneOpenDigits'
    | 'language'
    | 'cardMode'
    | 'cardAid'
    | 'cardClassicSector'
    | 'cardAcceptUid'
  >[];
  units: readonly Pick<Unit, 'id' | 'buildingId' | 'name' | 'number'>[];
  residents: readonly Resident[];
  timeProfiles: readonly Pick<TimeProfile, 'id' | 'buildingId' | 'intervals'>[];
  bells: readonly Bell[];
  bellMembers: readonly BellMember[];
  appDevices: readonly AppDevice[];
}

const RESIDENT_IDS = `SELECT resident_id FROM bells WHERE resident_id IS NOT NULL
  UNION SELECT resident_id FROM bell_members
  UNION SELECT id FROM residents WHERE unit_id IN (SELECT unit_id FROM bells WHERE type <> 'separate')`;

type Stored<T> = { [K in keyof T]: T[K] extends boolean ? number : T[K] };
type IntervalRow = { profileId: string; weekday: number; startMinute: number; endMinute: number };

export class DirectoryLookup {
  readonly #read: () => DirectoryRows;

  constructor(db: Database) {
    const all = <T>(sql: string) => db.prepare<[], T>(sql);
    const buildings = all<Stored<DirectoryRows['buildings'][number]>>(
      `SELECT id, name, time_zone AS timeZone, pictures_allowed AS picturesAllowed, phone_prompt AS phonePrompt,
         phone_open_digits AS phoneOpenDigits, language, card_mode AS cardMode, card_aid AS cardAid,
         card_classic_sector AS cardClassicSector, card_accept_uid AS cardAcceptUid FROM buildings ORDER BY id`,
    );
    const units = all<DirectoryRows['units'][number]>(
      `SELECT id, building_id AS buildingId, name, number FROM units
       WHERE id IN (SELECT unit_id FROM bells) ORDER BY id`,
    );
    const residents = all<Stored<Resident>>(
      `SELECT id, unit_id AS unitId, name, status, display_name AS displayName, picture, hidden,
         hidden_until AS hiddenUntil, hidden_profile_id AS hiddenProfileId, ringtone, phone,
         panel_pin_hash AS panelPinHash
       FROM residents WHERE id IN (${RESIDENT_IDS}) ORDER BY id`,
    );
    const profiles = all<{ id: string; buildingId: string }>(
      `SELECT id, building_id AS buildingId FROM time_profiles
       WHERE id IN (SELECT hidden_profile_id FROM residents WHERE id IN (${RESIDENT_IDS})) ORDER BY id`,
    );
    const intervals = all<IntervalRow>(
      `SELECT profile_id AS profileId, weekday, start_minute AS startMinute, end_minute AS endMinute
       FROM time_profile_intervals
       WHERE profile_id IN (SELECT hidden_profile_id FROM residents WHERE id IN (${RESIDENT_IDS}))
       ORDER BY profile_id, weekday, start_minute, end_minute`,
    );
    const bells = all<Bell>(
      `SELECT id, unit_id AS unitId, type, display_text AS displayText, resident_id AS residentId,
         door_id AS doorId, sort_key AS sortKey, ring_timeout_s AS ringTimeoutS, step_s AS stepS
       FROM bells ORDER BY id`,
    );
    const members = all<BellMember>(
      `SELECT id, bell_id AS bellId, resident_id AS residentId, position, ring_s AS ringS, via
       FROM bell_members ORDER BY id`,
    );
    const devices = all<AppDevice>(
      `SELECT id, resident_id AS residentId, name, last_seen_at AS lastSeenAt
       FROM app_devices WHERE resident_id IN (${RESIDENT_IDS}) ORDER BY id`,
    );
    // One read transaction: the rows belong to one config version even while a sync applies the next.
    this.#read = db.transaction(() => ({
      buildings: buildings.all().map((b) => ({
        ...b,
        picturesAllowed: b.picturesAllowed === 1,
        cardAcceptUid: b.cardAcceptUid === 1,
      })),
      units: units.all(),
      residents: residents.all().map((r) => ({ ...r, hidden: r.hidden === 1 })),
      timeProfiles: withIntervals(profiles.all(), intervals.all()),
      bells: bells.all(),
      bellMembers: members.all(),
      appDevices: devices.all(),
    }));
  }

  read(): DirectoryRows {
    return this.#read();
  }
}

function withIntervals(
  profiles: { id: string; buildingId: string }[],
  intervals: IntervalRow[],
): DirectoryRows['timeProfiles'] {
  return profiles.map((p) => ({
    ...p,
    intervals: intervals
      .filter((i) => i.profileId === p.id)
      .map(({ weekday, startMinute, endMinute }) => ({ weekday, startMinute, endMinute })),
  }));
}
