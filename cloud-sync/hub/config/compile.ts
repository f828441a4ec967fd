/**
 * Compiles one panel's building snapshot from the hub database: only what that panel decides on — its own
 * doors, the rules on them, the residents those rules name with their cards and units, the time profiles
 * the rules use, the panel's doorbell directory (compile-directory.ts: bells, members, the residents they
 * ring with their app devices, and the profiles that hide those residents), and every building those rows
 * belong to (a resident may live in a neighbouring building). Cards go only with rules: a resident who is
 * only in the directory opens nothing here. Rows are sorted by id so the same data always compiles to the
 * same bytes (and hash).
 */
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { NotFoundError } from '../../../lib/errors.ts';
import { type BuildingSnapshot, buildingSnapshotSchema } from '../../protocol/building-snapshot.ts';
import {
  BELL_UNIT_IDS,
  compileDirectory,
  DIRECTORY_RESIDENT_IDS,
  SHOW_PICTURE,
} from './compile-directory.ts';

const RULES = 'SELECT r.* FROM access_rules r JOIN doors d ON d.id = r.door_id WHERE d.panel_id = @panel';
const RULE_RESIDENT_IDS = `SELECT DISTINCT resident_id FROM (${RULES})`;
const RESIDENT_IDS = `${RULE_RESIDENT_IDS} UNION ${DIRECTORY_RESIDENT_IDS}`;
const UNIT_IDS = `SELECT unit_id FROM residents WHERE id IN (${RESIDENT_IDS}) UNION ${BELL_UNIT_IDS}`;
const PROFILE_IDS = `SELECT time_profile_id FROM (${RULES}) WHERE time_profile_id IS NOT NULL
  UNION SELECT hidden_profile_id FROM residents WHERE id IN (${RESIDENT_IDS}) AND hidden_profile_id IS NOT NULL`;

export function compilePanelSnapshot(db: Database, panelId: string): BuildingSnapshot {
  const panel = db.prepare('SELECT building_id FROM panels WHERE id = ?').get(panelId) as
    | { building_id: string }
    | undefined;
  if (!panel) throw new NotFoundError(`no panel "${panelId}"`);
  const p = { panel: panelId };
  const all = <T>(sql: string): T[] => db.prepare(sql).all(p) as T[];

  const buildings = all<{ id: string; name: string; time_zone: string; pictures_allowed: number }>(
    `SELECT * FROM buildings WHERE id = (SELECT building_id FROM panels WHERE id = @panel)
       OR id IN (SELECT building_id FROM units WHERE id IN (${UNIT_IDS}))
       OR id IN (SELECT building_id FROM time_profiles WHERE id IN (${PROFILE_IDS}))
     ORDER BY id`,
  );
  const doors = all<{ id: string; building_id: string; name: string }>(
    'SELECT * FROM doors WHERE panel_id = @panel ORDER BY id',
  );
  const units = all<{ id: string; building_id: string; name: string }>(
    `SELECT * FROM units WHERE id IN (${UNIT_IDS}) ORDER BY id`,
  );
  const residents = all<ResidentRow>(
    `SELECT r.*, ${SHOW_PICTURE} AS show_picture FROM residents r WHERE r.id IN (${RESIDENT_IDS}) ORDER BY r.id`,
  );
  const cards = all<CardRow>(`SELECT * FROM cards WHERE resident_id IN (${RULE_RESIDENT_IDS}) ORDER BY id`);
  const profiles = all<{ id: string; building_id: string; name: string; intervals: string }>(
    `SELECT * FROM time_profiles WHERE id IN (${PROFILE_IDS}) ORDER BY id`,
  );
  const rules = all<RuleRow>(`${RULES} ORDER BY r.id`);

  // Parsing fills defaults and proves the panel will accept what we send.
  return buildingSnapshotSchema.parse({
    buildings: buildings.map((b) => ({
      id: b.id,
      name: b.name,
      timeZone: b.time_zone,
      picturesAllowed: b.pictures_allowed === 1,
    })),
    doors: doors.map((d) => ({ id: d.id, buildingId: d.building_id, name: d.name })),
    units: units.map((u) => ({ id: u.id, buildingId: u.building_id, name: u.name })),
    residents: residents.map(residentFields),
    cards: cards.map(cardFields),
    timeProfiles: profiles.map((t) => ({
      id: t.id,
      buildingId: t.building_id,
      name: t.name,
      intervals: JSON.parse(t.intervals),
    })),
    accessRules: rules.map((r) => ({
      id: r.id,
      residentId: r.resident_id,
      doorId: r.door_id,
      timeProfileId: r.time_profile_id,
      validFrom: r.valid_from,
      validUntil: r.valid_until,
    })),
    ...compileDirectory(db, panelId),
  });
}

function residentFields(r: ResidentRow): Record<string, unknown> {
  return {
    id: r.id,
    unitId: r.unit_id,
    name: r.name,
    status: r.status,
    displayName: r.display_name,
    picture: r.show_picture === 1 ? r.picture : null,
    hidden: r.hidden === 1,
    hiddenUntil: r.hidden_until,
    hiddenProfileId: r.hidden_profile_id,
    ringtone: r.ringtone,
    phone: r.phone,
  };
}

/** A card as the snapshot carries it, from its database row (the fast path builds single rows with it). */
export function cardFields(c: CardRow): Record<string, unknown> {
  return {
    id: c.id,
    uid: c.uid,
    residentId: c.resident_id,
    status: c.status,
    validFrom: c.valid_from,
    validUntil: c.valid_until,
  };
}

/** Panels whose snapshot holds the cards of this resident: those with a rule for them on one of their doors. */
export function panelsServingResident(db: Database, residentId: string): string[] {
  return db
    .prepare(
      'SELECT DISTINCT d.panel_id FROM access_rules r JOIN doors d ON d.id = r.door_id WHERE r.resident_id = ?',
    )
    .pluck()
    .all(residentId) as string[];
}

export function snapshotHash(snapshot: BuildingSnapshot): string {
  return createHash('sha256').update(JSON.stringify(snapshot)).digest('hex');
}

export interface CardRow {
  id: string;
  uid: string;
  resident_id: string;
  status: string;
  valid_from: number | null;
  valid_until: number | null;
}

interface ResidentRow {
  id: string;
  unit_id: string;
  name: string;
  status: string;
  display_name: string | null;
  picture: string | null;
  hidden: number;
  hidden_until: number | null;
  hidden_profile_id: string | null;
  ringtone: string;
  phone: string | null;
  show_picture: number;
}

interface RuleRow {
  id: string;
  resident_id: string;
  door_id: string;
  time_profile_id: string | null;
  valid_from: number | null;
  valid_until: number | null;
}
