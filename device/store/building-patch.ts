/**
 * An incremental change to the building data (a cloud config patch): deletes, then upserts, each row
 * validated by the building row schemas. Call inside a transaction (the sync replica does, together with
 * the version), so a rejected row leaves nothing changed. Like a snapshot, a patch never unplugs hardware:
 * a door wired to a relay or reader that the patch deletes (or whose building it deletes) moves to the
 * 'local' building instead.
 */
import type { Database, Statement } from 'better-sqlite3';
import { ValidationError } from '../../lib/errors.ts';
import type { BuildingData } from './building-data.ts';
import type { BuildingTable } from './building-rows.ts';
import { LOCAL_BUILDING_ID } from './snapshot.ts';

type List =
  | 'buildings'
  | 'doors'
  | 'units'
  | 'residents'
  | 'cards'
  | 'timeProfiles'
  | 'accessRules'
  | 'bells'
  | 'bellMembers'
  | 'appDevices';

export interface BuildingChanges {
  upsert: Partial<Record<List, readonly unknown[]>>;
  delete: Partial<Record<List, readonly string[]>>;
}

const TABLES: Record<List, BuildingTable> = {
  buildings: 'buildings',
  doors: 'doors',
  units: 'units',
  residents: 'residents',
  cards: 'cards',
  timeProfiles: 'time_profiles',
  accessRules: 'access_rules',
  bells: 'bells',
  bellMembers: 'bell_members',
  appDevices: 'app_devices',
};

/** Parents before children, so an upsert can reference a row the same patch adds. */
const UPSERT_ORDER: readonly List[] = [
  'buildings',
  'doors',
  'units',
  'timeProfiles',
  'residents',
  'cards',
  'accessRules',
  'bells',
  'bellMembers',
  'appDevices',
];

export class BuildingPatch {
  readonly #data: BuildingData;
  readonly #ensureLocal: Statement<[]>;
  readonly #rescueWired: Statement<[string, string]>;
  readonly #isWired: Statement<[string, string], number>;

  constructor(db: Database, data: BuildingData) {
    this.#data = data;
    this.#ensureLocal = db.prepare(
      `INSERT OR IGNORE INTO buildings (id, name, time_zone) VALUES ('${LOCAL_BUILDING_ID}', 'Local', 'UTC')`,
    );
    // `?`s are JSON arrays of the doors and buildings being deleted.
    this.#rescueWired = db.prepare(
      `UPDATE doors SET building_id = '${LOCAL_BUILDING_ID}'
       WHERE (id IN (SELECT value FROM json_each(?)) OR building_id IN (SELECT value FROM json_each(?)))
         AND (id IN (SELECT door_id FROM relays) OR id IN (SELECT door_id FROM reader_doors))`,
    );
    this.#isWired = db
      .prepare<[string, string], number>(
        `SELECT EXISTS (SELECT 1 FROM relays WHERE door_id = ?) OR EXISTS (SELECT 1 FROM reader_doors WHERE door_id = ?)`,
      )
      .pluck();
  }

  /** Applies `changes`; throws a ValidationError naming the first bad row. Run in a transaction. */
  apply(changes: BuildingChanges): void {
    const doomedDoors = JSON.stringify(changes.delete.doors ?? []);
    const doomedBuildings = JSON.stringify(changes.delete.buildings ?? []);
    if (changes.delete.doors?.length || changes.delete.buildings?.length) {
      // The local building must exist before a door can move into it (foreign keys are immediate).
      const created = this.#ensureLocal.run().changes > 0;
      const moved = this.#rescueWired.run(doomedDoors, doomedBuildings).changes;
      if (created && moved === 0) this.#data.delete('buildings', LOCAL_BUILDING_ID);
    }
    for (const [list, ids] of Object.entries(changes.delete) as [List, readonly string[]][]) {
      for (const id of ids) {
        // A wired door was moved to the local building above; deleting it would cascade to its relay.
        if (list === 'doors' && this.#isWired.get(id, id) === 1) continue;
        this.#data.delete(TABLES[list], id);
      }
    }
    for (const list of UPSERT_ORDER) {
      const rows = changes.upsert[list] ?? [];
      rows.forEach((row, i) => {
        try {
          this.#upsert(list, row);
        } catch (err) {
          if (err instanceof ValidationError) {
            throw new ValidationError(`upsert.${list}[${i}]: ${err.message}`, err.issues);
          }
          throw err;
        }
      });
    }
  }

  #upsert(list: List, row: unknown): void {
    const d = this.#data;
    switch (list) {
      case 'buildings':
        return void d.upsertBuilding(row as never);
      case 'doors':
        return void d.upsertDoor(row as never);
      case 'units':
        return void d.upsertUnit(row as never);
      case 'residents':
        return void d.upsertResident(row as never);
      case 'timeProfiles':
        return void d.upsertTimeProfile(row as never);
      case 'cards':
        return void d.upsertCard(row as never);
      case 'accessRules':
        return void d.upsertAccessRule(row as never);
      case 'bells':
        return void d.upsertBell(row as never);
      case 'bellMembers':
        return void d.upsertBellMember(row as never);
      case 'appDevices':
        return void d.upsertAppDevice(row as never);
    }
  }
}
