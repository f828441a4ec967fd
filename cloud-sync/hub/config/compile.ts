/**
 * Compiles one panel's building snapshot from the hub database: only what that panel decides on — its own
 * doors, the rules on them, the residents those rules name with their cards and units, the time profiles
 * the rules use, and every building those rows belong to (a resident may live in a neighbouring building).
 * Rows are sorted by id so the same data always compiles to the same bytes (and hash).
 */
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { NotFoundError } from '../../../hal/errors.ts';
import { type BuildingSnapshot, buildingSnapshotSchema } from '../../protocol/building.ts';

const RULES = 'SELECT r.* FROM access_rules r JOIN doors d ON d.id = r.door_id WHERE d.panel_id = @panel';
const RESIDENT_IDS = `SELECT DISTINCT resident_id FROM (${RULES})`;
const UNIT_IDS = `SELECT DISTINCT unit_id FROM residents WHERE id IN (${RESIDENT_IDS})`;
const PROFILE_IDS = `SELECT DISTINCT time_profile_id FROM (${RULES}) WHERE time_profile_id IS NOT NULL`;

export function compilePanelSnapshot(db: Database, panelId: string): BuildingSnapshot {
  const panel = db.prepare('SELECT building_id FROM panels WHERE id = ?').get(panelId) as
    | { building_id: string }
    | undefined;
  if (!panel) throw new NotFoundError(`no panel "${panelId}"`);
  const p = { panel: panelId };
  const all = <T>(sql: string): T[] => db.prepare(sql).all(p) as T[];

  const buildings = all<{ id: string; name: string; time_zone: string }>(
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
  const residents = all<{ id: string; unit_id: string; name: string; status: string }>(
    `SELECT * FROM residents WHERE id IN (${RESIDENT_IDS}) ORDER BY id`,
  );
  const cards = all<CardRow>(`SELECT * FROM cards WHERE resident_id IN (${RESIDENT_IDS}) ORDER BY id`);
  const profiles = all<{ id: string; building_id: string; name: string; intervals: string }>(
    `SELECT * FROM time_profiles WHERE id IN (${PROFILE_IDS}) ORDER BY id`,
  );
  const rules = all<RuleRow>(`${RULES} ORDER BY r.id`);

  // Parsing fills defaults and proves the panel will accept what we send.
  return buildingSnapshotSchema.parse({
    buildings: buildings.map((b) => ({ id: b.id, name: b.name, timeZone: b.time_zone })),
    doors: doors.map((d) => ({ id: d.id, buildingId: d.building_id, name: d.name })),
    units: units.map((u) => ({ id: u.id, buildingId: u.building_id, name: u.name })),
    residents: residents.map((r) => ({ id: r.id, unitId: r.unit_id, name: r.name, status: r.status })),
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
  });
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

interface RuleRow {
  id: string;
  resident_id: string;
  door_id: string;
  time_profile_id: string | null;
  valid_from: number | null;
  valid_until: number | null;
}
