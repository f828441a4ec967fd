/**
 * The doorbell directory part of a panel's compiled snapshot: the panel's bells, their members, the
 * residents they can ring (a unit bell without members rings its whole unit) and those residents' app
 * devices. The queries take `@panel`; compile.ts folds the residents and units into its own lists.
 */
import type { Database } from 'better-sqlite3';

/** The panel's bells; a separate bell's unit is its resident's. */
const BELLS = `SELECT b.*,
    COALESCE(b.unit_id, (SELECT unit_id FROM residents r WHERE r.id = b.resident_id)) AS bell_unit_id,
    -- A door that moved to another panel is not in this snapshot: the bell then opens none.
    CASE WHEN b.door_id IN (SELECT id FROM doors WHERE panel_id = @panel) THEN b.door_id END AS panel_door_id
  FROM doorbells b WHERE b.panel_id = @panel`;

// A separate bell rings its resident, whatever member rows it once had.
const MEMBERS = `SELECT m.* FROM doorbell_members m JOIN doorbells b ON b.id = m.doorbell_id
  WHERE b.panel_id = @panel AND b.type <> 'separate'`;

const SEPARATE_RESIDENT_IDS = `SELECT resident_id FROM doorbells WHERE panel_id = @panel AND type = 'separate'`;

/** Residents a bell of the panel can ring. */
export const DIRECTORY_RESIDENT_IDS = `${SEPARATE_RESIDENT_IDS}
  UNION SELECT resident_id FROM (${MEMBERS})
  UNION SELECT id FROM residents
    WHERE unit_id IN (SELECT unit_id FROM doorbells WHERE panel_id = @panel AND type <> 'separate')`;

export const BELL_UNIT_IDS = `SELECT bell_unit_id FROM (${BELLS})`;

/**
 * 1 when the panel may show the resident's picture: they have a separate bell on it (the only place a
 * picture shows) and their building allows pictures. Other residents' pictures are not sent at all.
 */
export const SHOW_PICTURE = `(r.id IN (${SEPARATE_RESIDENT_IDS}) AND COALESCE((SELECT pictures_allowed
  FROM buildings WHERE id = (SELECT building_id FROM units WHERE id = r.unit_id)), 0))`;

export interface DirectoryLists {
  bells: Record<string, unknown>[];
  bellMembers: Record<string, unknown>[];
  appDevices: Record<string, unknown>[];
}

export function compileDirectory(db: Database, panelId: string): DirectoryLists {
  const p = { panel: panelId };
  const all = <T>(sql: string): T[] => db.prepare(sql).all(p) as T[];
  const bells = all<BellRow>(`${BELLS} ORDER BY b.id`);
  const members = all<MemberRow>(`${MEMBERS} ORDER BY m.id`);
  const devices = all<AppDeviceRow>(
    `SELECT * FROM app_devices WHERE resident_id IN (${DIRECTORY_RESIDENT_IDS}) ORDER BY id`,
  );
  return {
    bells: bells.map((b) => ({
      id: b.id,
      unitId: b.bell_unit_id,
      type: b.type,
      displayText: b.display_text,
      residentId: b.type === 'separate' ? b.resident_id : null,
      doorId: b.panel_door_id,
      sortKey: b.sort_key,
      ringTimeoutS: b.ring_timeout_s,
      stepS: b.step_s,
    })),
    bellMembers: members.map((m) => ({
      id: m.id,
      bellId: m.doorbell_id,
      residentId: m.resident_id,
      position: m.position,
      ringS: m.ring_s,
    })),
    appDevices: devices.map((d) => ({
      id: d.id,
      residentId: d.resident_id,
      name: d.name,
      lastSeenAt: d.last_seen_at,
    })),
  };
}

interface BellRow {
  id: string;
  bell_unit_id: string;
  type: string;
  display_text: string;
  resident_id: string | null;
  panel_door_id: string | null;
  sort_key: number;
  ring_timeout_s: number;
  step_s: number;
}

interface MemberRow {
  id: string;
  doorbell_id: string;
  resident_id: string;
  position: number;
  ring_s: number | null;
}

interface AppDeviceRow {
  id: string;
  resident_id: string;
  name: string;
  last_seen_at: number | null;
}
