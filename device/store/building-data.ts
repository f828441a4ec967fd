/**
 * Building data (buildings, doors, units, residents, cards, time profiles, access rules, and the doorbell
 * directory: bells, their members, residents' app devices): the whole snapshot replace used by the demo
 * seeder and full cloud syncs, and validated per-row upserts/deletes for incremental sync.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { z } from 'zod';
import { ValidationError } from '../../lib/errors.ts';
import type { BuildingRows, BuildingTable } from './building-rows.ts';
import {
  type AccessRule,
  type AppDevice,
  accessRuleSchema,
  appDeviceSchema,
  type Bell,
  type BellMember,
  type Building,
  type BuildingSnapshot,
  type BuildingSnapshotInput,
  bellMemberSchema,
  bellSchema,
  buildingSchema,
  buildingSnapshotSchema,
  type Card,
  cardSchema,
  type Door,
  doorSchema,
  LOCAL_BUILDING_ID,
  type Resident,
  residentSchema,
  type TimeProfile,
  timeProfileSchema,
  type Unit,
  unitSchema,
} from './snapshot.ts';

export interface ReplaceCounts {
  buildings: number;
  doors: number;
  units: number;
  residents: number;
  cards: number;
  timeProfiles: number;
  accessRules: number;
  bells: number;
  bellMembers: number;
  appDevices: number;
}

export class BuildingData {
  readonly #db: Database;
  readonly #rows: BuildingRows;
  readonly #clear: Statement<[]>[];
  readonly #orphanHardwareDoors: Statement<[string]>;
  readonly #ensureLocal: Statement<[]>;
  readonly #moveOrphansToLocal: Statement<[string]>;
  readonly #deleteOtherDoors: Statement<[string]>;
  readonly #deleteEmptyBuildings: Statement<[string]>;

  constructor(db: Database, rows: BuildingRows) {
    this.#db = db;
    this.#rows = rows;
    // Children first, so no delete depends on a cascade.
    this.#clear = [
      'access_rules',
      'cards',
      'app_devices',
      'bell_members',
      'bells',
      'residents',
      'units',
      'time_profile_intervals',
      'time_profiles',
    ].map((t) => db.prepare(`DELETE FROM ${t}`));
    // Doors that the device config wires to a relay or reader; `?` is a JSON array of the snapshot's door ids.
    const orphanHardware = `id NOT IN (SELECT value FROM json_each(?))
      AND (id IN (SELECT door_id FROM relays) OR id IN (SELECT door_id FROM reader_doors))`;
    this.#orphanHardwareDoors = db.prepare(`SELECT count(*) FROM doors WHERE ${orphanHardware}`).pluck();
    // The local building's time zone only matters for time profiles, and it never has any.
    this.#ensureLocal = db.prepare(
      `INSERT OR IGNORE INTO buildings (id, name, time_zone) VALUES ('${LOCAL_BUILDING_ID}', 'Local', 'UTC')`,
    );
    this.#moveOrphansToLocal = db.prepare(
      `UPDATE doors SET building_id = '${LOCAL_BUILDING_ID}' WHERE ${orphanHardware}`,
    );
    this.#deleteOtherDoors = db.prepare(
      `DELETE FROM doors WHERE id NOT IN (SELECT value FROM json_each(?))
        AND id NOT IN (SELECT door_id FROM relays) AND id NOT IN (SELECT door_id FROM reader_doors)`,
    );
    this.#deleteEmptyBuildings = db.prepare(
      `DELETE FROM buildings WHERE id NOT IN (SELECT value FROM json_each(?))
        AND NOT EXISTS (SELECT 1 FROM doors WHERE doors.building_id = buildings.id)`,
    );
  }

  /**
   * Makes the building data exactly `snapshot`, in one transaction: if any row is rejected (bad shape, a
   * reference to a missing row, a card UID used twice) nothing changes. Doors wired by the device config
   * (relays, readers) survive their absence from the snapshot, moved to the 'local' building, so a sync
   * never unplugs hardware.
   */
  replaceBuildingData(snapshot: BuildingSnapshotInput): ReplaceCounts {
    const snap = parse(buildingSnapshotSchema, snapshot, 'building snapshot');
    const rows = this.#rows;
    this.#db.transaction((s: BuildingSnapshot) => {
      for (const clear of this.#clear) clear.run();
      const doorIds = JSON.stringify(s.doors.map((d) => d.id));
      each('buildings', s.buildings, (b) => rows.building(b));
      if ((this.#orphanHardwareDoors.get(doorIds) as number) > 0) {
        this.#ensureLocal.run();
        this.#moveOrphansToLocal.run(doorIds);
      }
      this.#deleteOtherDoors.run(doorIds);
      each('doors', s.doors, (d) => rows.door(d));
      const keepBuildings = JSON.stringify(s.buildings.map((b) => b.id));
      this.#deleteEmptyBuildings.run(keepBuildings);
      each('units', s.units, (u) => rows.unit(u));
      // Before residents: a resident may be hidden by a time profile.
      each('timeProfiles', s.timeProfiles, (p) => rows.timeProfile(p));
      each('residents', s.residents, (r) => rows.resident(r));
      each('cards', s.cards, (c) => rows.card(c));
      each('accessRules', s.accessRules, (r) => rows.accessRule(r));
      each('bells', s.bells, (b) => rows.bell(b));
      each('bellMembers', s.bellMembers, (m) => rows.bellMember(m));
      each('appDevices', s.appDevices, (d) => rows.appDevice(d));
    })(snap);
    return {
      buildings: snap.buildings.length,
      doors: snap.doors.length,
      units: snap.units.length,
      residents: snap.residents.length,
      cards: snap.cards.length,
      timeProfiles: snap.timeProfiles.length,
      accessRules: snap.accessRules.length,
      bells: snap.bells.length,
      bellMembers: snap.bellMembers.length,
      appDevices: snap.appDevices.length,
    };
  }

  upsertBuilding(row: z.input<typeof buildingSchema>): Building {
    return this.#upsert(buildingSchema, row, 'building', (r) => this.#rows.building(r));
  }

  upsertDoor(row: z.input<typeof doorSchema>): Door {
    return this.#upsert(doorSchema, row, 'door', (r) => this.#rows.door(r));
  }

  upsertUnit(row: z.input<typeof unitSchema>): Unit {
    return this.#upsert(unitSchema, row, 'unit', (r) => this.#rows.unit(r));
  }

  upsertResident(row: z.input<typeof residentSchema>): Resident {
    return this.#upsert(residentSchema, row, 'resident', (r) => this.#rows.resident(r));
  }

  upsertCard(row: z.input<typeof cardSchema>): Card {
    return this.#upsert(cardSchema, row, 'card', (r) => this.#rows.card(r));
  }

  upsertTimeProfile(row: z.input<typeof timeProfileSchema>): TimeProfile {
    return this.#upsert(timeProfileSchema, row, 'time profile', (r) => this.#rows.timeProfile(r));
  }

  upsertAccessRule(row: z.input<typeof accessRuleSchema>): AccessRule {
    return this.#upsert(accessRuleSchema, row, 'access rule', (r) => this.#rows.accessRule(r));
  }

  upsertBell(row: z.input<typeof bellSchema>): Bell {
    return this.#upsert(bellSchema, row, 'bell', (r) => this.#rows.bell(r));
  }

  upsertBellMember(row: z.input<typeof bellMemberSchema>): BellMember {
    return this.#upsert(bellMemberSchema, row, 'bell member', (r) => this.#rows.bellMember(r));
  }

  upsertAppDevice(row: z.input<typeof appDeviceSchema>): AppDevice {
    return this.#upsert(appDeviceSchema, row, 'app device', (r) => this.#rows.appDevice(r));
  }

  /** Deletes a row and everything that depends on it (a resident's cards and rules, …). */
  delete(table: BuildingTable, id: string): boolean {
    return this.#rows.delete(table, id);
  }

  #upsert<S extends z.ZodType>(schema: S, input: unknown, what: string, write: (row: z.output<S>) => void) {
    const row = parse(schema, input, what);
    try {
      this.#db.transaction(write)(row);
    } catch (err) {
      throw rejected(what, err);
    }
    return row;
  }
}

function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new ValidationError(`invalid ${what}: ${issues.slice(0, 5).join('; ')}`, issues);
}

/** Writes rows, naming the first one the database rejects (a missing reference, a duplicate UID). */
function each<T extends { id: string }>(list: string, rows: readonly T[], write: (row: T) => void): void {
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    try {
      write(row);
    } catch (err) {
      throw rejected(`${list}[${i}] (id "${row.id}")`, err);
    }
  }
}

function rejected(what: string, err: unknown): Error {
  if (!(err instanceof Error) || !('code' in err) || !String(err.code).startsWith('SQLITE_CONSTRAINT')) {
    return err instanceof Error ? err : new Error(String(err));
  }
  const issue = `${what}: ${err.message}`;
  return new ValidationError(`building data rejected: ${issue}`, [issue]);
}
