/**
 * The rows of one panel's building snapshot, read from the hub database: only what that panel decides on —
 * its own doors, the rules on them, the residents those rules name with their cards and units, the time
 * profiles the rules use, the panel's doorbell directory (snapshot-directory.ts: bells, members, the
 * residents they ring with their app devices, and the profiles that hide those residents), and every
 * building those rows belong to (a resident may live in a neighbouring building). Cards go only with
 * rules: a resident who is only in the directory opens nothing here. Rows are sorted by id so the same
 * data always compiles to the same bytes (and hash).
 *
 * Rows come out in the protocol's field names, unchecked: config/compile.ts parses them with the protocol's
 * snapshot schema, which types them and proves the panel will accept them.
 */
import type { Database } from 'better-sqlite3';
import { buildingSchema } from '../../protocol/building.ts';
import type { BuildingSnapshotInput } from '../../protocol/building-snapshot.ts';
import { decodeRow, selectList } from './entity-columns.ts';
import type { EntityName } from './entity-specs.ts';
import { fieldsOf } from './entity-specs.ts';
import {
  APP_DEVICE_ROWS,
  BELL_MEMBER_ROWS,
  BELL_ROWS,
  BELL_UNIT_IDS,
  DIRECTORY_RESIDENT_IDS,
  SHOW_PICTURE,
} from './snapshot-directory.ts';
import { Statements } from './statements.ts';

const RULES = 'SELECT r.* FROM access_rules r JOIN doors d ON d.id = r.door_id WHERE d.panel_id = @panel';
const RULE_RESIDENT_IDS = `SELECT DISTINCT resident_id FROM (${RULES})`;
const RESIDENT_IDS = `${RULE_RESIDENT_IDS} UNION ${DIRECTORY_RESIDENT_IDS}`;
const UNIT_IDS = `SELECT unit_id FROM residents WHERE id IN (${RESIDENT_IDS}) UNION ${BELL_UNIT_IDS}`;
const PROFILE_IDS = `SELECT time_profile_id FROM (${RULES}) WHERE time_profile_id IS NOT NULL
  UNION SELECT hidden_profile_id FROM residents WHERE id IN (${RESIDENT_IDS}) AND hidden_profile_id IS NOT NULL`;

/**
 * A resident's panel PIN goes only to the panels of their own building (where they may change their
 * doorbell), never to a neighbouring building's panel that holds them for a rule.
 */
const PANEL_PIN_HASH = `CASE WHEN (SELECT building_id FROM units WHERE id = r.unit_id)
    = (SELECT building_id FROM panels WHERE id = @panel)
  THEN (SELECT pin_hash FROM resident_panel_pins WHERE resident_id = r.id) END`;

// A picture goes only where the panel may show it.
const RESIDENT_ROW = `SELECT r.id, r.unit_id AS unitId, r.name, r.status, r.display_name AS displayName,
    CASE WHEN ${SHOW_PICTURE} THEN r.picture END AS picture, r.hidden, r.hidden_until AS hiddenUntil,
    r.hidden_profile_id AS hiddenProfileId, r.ringtone, r.phone, ${PANEL_PIN_HASH} AS panelPinHash
  FROM residents r`;

/**
 * Panels whose snapshot holds the resident (RESIDENT_IDS the other way round): a rule on one of their
 * doors, their separate bell, membership of one of their bells, or a unit bell of their unit.
 */
const PANELS_HOLDING_RESIDENT = `SELECT d.panel_id FROM access_rules a JOIN doors d ON d.id = a.door_id
    WHERE a.resident_id = @resident
  UNION SELECT panel_id FROM doorbells WHERE type = 'separate' AND resident_id = @resident
  UNION SELECT b.panel_id FROM doorbell_members m JOIN doorbells b ON b.id = m.doorbell_id
    WHERE m.resident_id = @resident AND b.type <> 'separate'
  UNION SELECT panel_id FROM doorbells
    WHERE type <> 'separate' AND unit_id = (SELECT unit_id FROM residents WHERE id = @resident)`;

/** The entity's stored fields (what the protocol's row has, where the hub's row is the protocol's). */
const stored = (name: EntityName, alias = '') => selectList(name, { fields: fieldsOf(name), alias });

/** Each list's query, and the entity whose columns it decodes like; typed so that no list is left out. */
const LISTS: { readonly [L in keyof BuildingSnapshotInput]-?: readonly [EntityName, string] } = {
  buildings: [
    'buildings',
    // The protocol's fields only: the hub's own policies (residentsMayAddCards) stay at the hub.
    `SELECT ${selectList('buildings', { fields: Object.keys(buildingSchema.shape) })} FROM buildings WHERE id = (SELECT building_id FROM panels WHERE id = @panel)
       OR id IN (SELECT building_id FROM units WHERE id IN (${UNIT_IDS}))
       OR id IN (SELECT building_id FROM time_profiles WHERE id IN (${PROFILE_IDS}))
     ORDER BY id`,
  ],
  // The protocol's door has no panel: a snapshot holds only its own panel's doors.
  doors: [
    'doors',
    'SELECT id, building_id AS buildingId, name FROM doors WHERE panel_id = @panel ORDER BY id',
  ],
  units: ['units', `SELECT ${stored('units')} FROM units WHERE id IN (${UNIT_IDS}) ORDER BY id`],
  residents: ['residents', `${RESIDENT_ROW} WHERE r.id IN (${RESIDENT_IDS}) ORDER BY r.id`],
  cards: [
    'cards',
    `SELECT ${stored('cards')} FROM cards WHERE resident_id IN (${RULE_RESIDENT_IDS}) ORDER BY id`,
  ],
  timeProfiles: [
    'timeProfiles',
    `SELECT ${stored('timeProfiles')} FROM time_profiles WHERE id IN (${PROFILE_IDS}) ORDER BY id`,
  ],
  accessRules: ['accessRules', `SELECT ${stored('accessRules', 'r.')} FROM (${RULES}) r ORDER BY r.id`],
  bells: ['doorbells', BELL_ROWS],
  bellMembers: ['doorbellMembers', BELL_MEMBER_ROWS],
  appDevices: ['appDevices', APP_DEVICE_ROWS],
};

export class SnapshotSource {
  readonly #sql: Statements;

  constructor(db: Database) {
    this.#sql = new Statements(db);
  }

  /** Every list of the panel's snapshot, by the protocol's list names; undefined when there is no such panel. */
  rows(panelId: string): Record<string, unknown[]> | undefined {
    if (this.#sql.get('SELECT 1 FROM panels WHERE id = ?').get(panelId) === undefined) return undefined;
    const params = { panel: panelId };
    return Object.fromEntries(
      Object.entries(LISTS).map(([list, [entity, sql]]) => [
        list,
        this.#sql
          .get(sql)
          .all(params)
          .map((row) => decodeRow(entity, row)),
      ]),
    );
  }

  /** Panels whose snapshot holds this resident's row (a rule, or a bell that rings them). */
  panelsHoldingResident(residentId: string): string[] {
    return this.#sql.get(PANELS_HOLDING_RESIDENT).pluck().all({ resident: residentId }).map(String).sort();
  }

  /** The resident's row as the panel's snapshot has it (its picture only where the panel shows it). */
  residentRow(panelId: string, residentId: string): unknown {
    const row = this.#sql
      .get(`${RESIDENT_ROW} WHERE r.id = @resident`)
      .get({ panel: panelId, resident: residentId });
    return row === undefined ? undefined : decodeRow('residents', row);
  }

  /** Panels whose snapshot holds the cards of this resident: those with a rule for them on one of their doors. */
  panelsServingResident(residentId: string): string[] {
    return this.#sql
      .get(
        'SELECT DISTINCT d.panel_id FROM access_rules r JOIN doors d ON d.id = r.door_id WHERE r.resident_id = ?',
      )
      .pluck()
      .all(residentId)
      .map(String);
  }
}
