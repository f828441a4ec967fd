/**
 * An incremental change to the building data (a cloud config patch): deletes, then upserts, each row
 * validated by its list's schema (entities.ts). Call inside a transaction (the sync replica does, together with
 * the version), so a rejected row leaves nothing changed. Like a snapshot, a patch never unplugs hardware:
 * a door wired to a relay or reader that the patch deletes (or whose building it deletes) moves to the
 * 'local' building instead.
 */
import type { Database, Statement } from 'better-sqlite3';
import {
  ENTITY_APPLY_ORDER,
  ENTITY_DELETE_ORDER,
  type EntityName,
} from '../../cloud-sync/protocol/entities.ts';
import { ValidationError } from '../../lib/errors.ts';
import type { BuildingData } from './building-data.ts';
import { LOCAL_BUILDING_ID } from './snapshot.ts';

/** Rows are checked as they are applied, with their list's schema; ids need no more than being strings. */
export interface BuildingChanges {
  upsert: Partial<Record<EntityName, readonly unknown[]>>;
  delete: Partial<Record<EntityName, readonly string[]>>;
}

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
    // Children before parents, as a cascade would; deletes are done before any upsert.
    for (const list of ENTITY_DELETE_ORDER) {
      for (const id of changes.delete[list] ?? []) {
        // A wired door was moved to the local building above; deleting it would cascade to its relay.
        if (list === 'doors' && this.#isWired.get(id, id) === 1) continue;
        this.#data.delete(list, id);
      }
    }
    // Parents before children, so an upsert can reference a row the same patch adds.
    for (const list of ENTITY_APPLY_ORDER) {
      const rows = changes.upsert[list] ?? [];
      rows.forEach((row, i) => {
        try {
          this.#data.upsert(list, row);
        } catch (err) {
          if (err instanceof ValidationError) {
            throw new ValidationError(`upsert.${list}[${i}]: ${err.message}`, err.issues);
          }
          throw err;
        }
      });
    }
  }
}
