/**
 * Which building each admin row belongs to, for building administrators' scope: one SQL expression per
 * entity over its row `t`, following its references up to the building. Typed over every entity, so a
 * new admin table does not compile until it says where its building is.
 */
import type { Database } from 'better-sqlite3';
import type { EntityName } from './entity-specs.ts';
import { tableOf } from './entity-specs.ts';

const RESIDENT_BUILDING = (residentColumn: string) =>
  `(SELECT u.building_id FROM residents r JOIN units u ON u.id = r.unit_id WHERE r.id = ${residentColumn})`;

/** The building of row `t` of each entity. */
const BUILDING_OF: { readonly [N in EntityName]: string } = {
  buildings: 't.id',
  panels: 't.building_id',
  doors: 't.building_id',
  units: 't.building_id',
  timeProfiles: 't.building_id',
  residents: '(SELECT building_id FROM units WHERE id = t.unit_id)',
  cards: RESIDENT_BUILDING('t.resident_id'),
  accessRules: RESIDENT_BUILDING('t.resident_id'),
  appDevices: RESIDENT_BUILDING('t.resident_id'),
  doorbells: '(SELECT building_id FROM panels WHERE id = t.panel_id)',
  doorbellMembers:
    '(SELECT p.building_id FROM doorbells d JOIN panels p ON p.id = d.panel_id WHERE d.id = t.doorbell_id)',
};

/** The reference a row's building is reached through (the same paths as BUILDING_OF, for rows in hand). */
const PARENT: { readonly [N in EntityName]: readonly [field: string, parent: EntityName] | 'self' } = {
  buildings: 'self',
  panels: ['buildingId', 'buildings'],
  doors: ['buildingId', 'buildings'],
  units: ['buildingId', 'buildings'],
  timeProfiles: ['buildingId', 'buildings'],
  residents: ['unitId', 'units'],
  cards: ['residentId', 'residents'],
  accessRules: ['residentId', 'residents'],
  appDevices: ['residentId', 'residents'],
  doorbells: ['panelId', 'panels'],
  doorbellMembers: ['doorbellId', 'doorbells'],
};

export class BuildingScope {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** The building of an existing row; undefined when there is no such row. */
  buildingOf(entity: EntityName, id: string): string | undefined {
    const sql = `SELECT ${BUILDING_OF[entity]} FROM ${tableOf(entity)} t WHERE t.id = ?`;
    const building = this.#db.prepare(sql).pluck().get(id);
    return typeof building === 'string' ? building : undefined;
  }

  /**
   * The building of a row given by its fields (a row being created, or one just deleted): through its
   * parent reference. Undefined when the parent does not exist.
   */
  buildingOfRow(entity: EntityName, row: Readonly<Record<string, unknown>>): string | undefined {
    const parent = PARENT[entity];
    if (parent === 'self') return typeof row['id'] === 'string' ? row['id'] : undefined;
    const [field, parentEntity] = parent;
    const value = row[field];
    if (typeof value !== 'string') return undefined;
    return parentEntity === 'buildings'
      ? this.buildingOf('buildings', value)
      : this.buildingOf(parentEntity, value);
  }

  /** Ids of the entity's rows in the given buildings (what a building administrator may list). */
  idsIn(entity: EntityName, buildingIds: readonly string[]): Set<string> {
    const sql = `SELECT t.id FROM ${tableOf(entity)} t
      WHERE ${BUILDING_OF[entity]} IN (SELECT value FROM json_each(?))`;
    return new Set(this.#db.prepare(sql).pluck().all(JSON.stringify(buildingIds)) as string[]);
  }
}
