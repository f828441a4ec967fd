/**
 * The doorbell directory part of a panel's snapshot, as SQL: the panel's bells, their members, the
 * residents they can ring (a unit bell without members rings its whole unit) and those residents' app
 * devices. The queries take `@panel` and name their columns as the protocol's rows name their fields;
 * snapshot-source.ts folds the residents and units into its own lists.
 */
import { selectList } from './entity-columns.ts';

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
 * True when the panel may show the resident's picture: they have a separate bell on it (the only place a
 * picture shows) and their building allows pictures. Other residents' pictures are not sent at all.
 */
export const SHOW_PICTURE = `(r.id IN (${SEPARATE_RESIDENT_IDS}) AND COALESCE((SELECT pictures_allowed
  FROM buildings WHERE id = (SELECT building_id FROM units WHERE id = r.unit_id)), 0))`;

/** The protocol's bell: a separate bell names its resident, and opens only a door of this panel. */
export const BELL_ROWS = `SELECT id, bell_unit_id AS unitId, type, display_text AS displayText,
    CASE WHEN type = 'separate' THEN resident_id END AS residentId, panel_door_id AS doorId,
    sort_key AS sortKey, ring_timeout_s AS ringTimeoutS, step_s AS stepS
  FROM (${BELLS}) ORDER BY id`;

export const BELL_MEMBER_ROWS = `SELECT id, doorbell_id AS bellId, resident_id AS residentId, position,
    ring_s AS ringS, via
  FROM (${MEMBERS}) ORDER BY id`;

export const APP_DEVICE_ROWS = `SELECT ${selectList('appDevices')} FROM app_devices
  WHERE resident_id IN (${DIRECTORY_RESIDENT_IDS}) ORDER BY id`;
