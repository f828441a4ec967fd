/**
 * Building data (every list of the entity table, cloud-sync/protocol/entities.ts): the whole snapshot
 * replace used by the demo seeder and full cloud syncs, and validated per-row upserts/deletes for
 * incremental sync. Lists are written parents first and cleared children first, by the table's order.
 */
import type { Database, Statement, Transaction } from 'better-sqlite3';
import type { z } from 'zod';
import {
  ENTITIES,
  ENTITY_APPLY_ORDER,
  ENTITY_DELETE_ORDER,
  type EntityName,
  type EntityRow,
  perEntity,
} from '../../cloud-sync/protocol/entities.ts';
import { ValidationError } from '../../lib/errors.ts';
import type { BuildingRows } from './building-rows.ts';
import {
  type BuildingSnapshot,
  type BuildingSnapshotInput,
  buildingSnapshotSchema,
  LOCAL_BUILDING_ID,
} from './snapshot.ts';

/** How many rows of each list a replace wrote. */
export type ReplaceCounts = Record<EntityName, number>;

/**
 * Kept through a replace rather than cleared: doors wired by the device config (and so their buildings)
 * survive a snapshot that lacks them.
 */
const RECONCILED: ReadonlySet<EntityName> = new Set(['buildings', 'doors']);

export class BuildingData {
  readonly #rows: BuildingRows;
  readonly #orphanHardwareDoors: Statement<[string]>;
  readonly #ensureLocal: Statement<[]>;
  readonly #moveOrphansToLocal: Statement<[string]>;
  readonly #deleteOtherDoors: Statement<[string]>;
  readonly #deleteEmptyBuildings: Statement<[string]>;
  // Built once: better-sqlite3 makes four closures per db.transaction call.
  readonly #replace: Transaction<(snapshot: BuildingSnapshot) => void>;
  readonly #writeOne: Transaction<(list: EntityName, row: EntityRow) => void>;

  constructor(db: Database, rows: BuildingRows) {
    this.#rows = rows;
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
    this.#replace = db.transaction((snapshot: BuildingSnapshot) => this.#replaceAll(snapshot));
    this.#writeOne = db.transaction((list: EntityName, row: EntityRow) => rows.write(list, row));
  }

  /**
   * Makes the building data exactly `snapshot`, in one transaction: if any row is rejected (bad shape, a
   * reference to a missing row, a card UID used twice) nothing changes. Doors wired by the device config
   * (relays, readers) survive their absence from the snapshot, moved to the 'local' building, so a sync
   * never unplugs hardware.
   */
  replaceBuildingData(snapshot: BuildingSnapshotInput): ReplaceCounts {
    const snap = parse(buildingSnapshotSchema, snapshot, 'building snapshot');
    this.#replace(snap);
    return perEntity((list) => snap[list].length);
  }

  /**
   * Validates `input` with list `K`'s schema (so it may come straight off the wire) and inserts or updates
   * it, in its own transaction (a savepoint inside another). Returns the row as stored.
   */
  upsert<K extends EntityName>(list: K, input: unknown): EntityRow<K> {
    const { schema, label } = ENTITIES[list];
    const row = parse(schema, input, label);
    try {
      this.#writeOne(list, row);
    } catch (err) {
      throw rejected(label, err);
    }
    return row;
  }

  /** Deletes a row and everything that depends on it (a resident's cards and rules, …). */
  delete(list: EntityName, id: string): boolean {
    return this.#rows.delete(list, id);
  }

  #replaceAll(s: BuildingSnapshot): void {
    for (const list of ENTITY_DELETE_ORDER) if (!RECONCILED.has(list)) this.#rows.clear(list);
    const doorIds = JSON.stringify(s.doors.map((d) => d.id));
    this.#writeAll('buildings', s.buildings);
    if ((this.#orphanHardwareDoors.get(doorIds) as number) > 0) {
      this.#ensureLocal.run();
      this.#moveOrphansToLocal.run(doorIds);
    }
    this.#deleteOtherDoors.run(doorIds);
    this.#writeAll('doors', s.doors);
    this.#deleteEmptyBuildings.run(JSON.stringify(s.buildings.map((b) => b.id)));
    for (const list of ENTITY_APPLY_ORDER) if (!RECONCILED.has(list)) this.#writeAll(list, s[list]);
  }

  /** Writes rows, naming the first one the database rejects (a missing reference, a duplicate UID). */
  #writeAll<K extends EntityName>(list: K, rows: readonly EntityRow<K>[]): void {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      try {
        this.#rows.write(list, row);
      } catch (err) {
        throw rejected(`${list}[${i}] (id "${row.id}")`, err);
      }
    }
  }
}

function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new ValidationError(`invalid ${what}: ${issues.slice(0, 5).join('; ')}`, issues);
}

function rejected(what: string, err: unknown): Error {
  if (!(err instanceof Error) || !('code' in err) || !String(err.code).startsWith('SQLITE_CONSTRAINT')) {
    return err instanceof Error ? err : new Error(String(err));
  }
  const issue = `${what}: ${err.message}`;
  return new ValidationError(`building data rejected: ${issue}`, [issue]);
}
