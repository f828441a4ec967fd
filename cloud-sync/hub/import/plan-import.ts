/**
 * Turns an import file's rows into the writes it means for one building — units, residents and cards to
 * create or update — checked against each other and against what the hub holds: the units' own checks
 * (plan-units.ts), a resident of another building, two rows that disagree about one resident, a card UID
 * twice in the file or already someone else's. Nothing is written here; a row with a problem is reported
 * and the plan is not applied.
 *
 * Rows are matched to what exists so that importing the same file again changes nothing: a unit by its
 * id, a resident by resident_id or else by (unit, name), a card by its UID.
 */
import { randomUUID } from 'node:crypto';
import { planUnits, type UnitLookup, type UnitWrite } from './plan-units.ts';
import type { ImportIssue, ImportRow } from './read-csv.ts';

/** What the plan needs to know about the hub's rows (read through the store). */
export interface ImportLookup extends UnitLookup {
  resident(
    id: string,
  ): { unitId: string; name: string; phone: string | null; email: string | null } | undefined;
  /** Ids of the unit's residents with exactly this name. */
  residentsNamed(unitId: string, name: string): string[];
  card(uid: string): { residentId: string } | undefined;
  /** Ids of the building's doors. */
  doors(buildingId: string): string[];
  /** Whether the resident has an any-time access rule for the door. */
  hasRule(residentId: string, doorId: string): boolean;
}

/** One write of the plan, with the line that asked for it (named in an error if the store refuses it). */
export type ImportWrite =
  | UnitWrite
  | {
      line: number;
      entity: 'residents';
      op: 'create';
      row: { id: string; unitId: string; name: string; phone: string | null; email: string | null };
    }
  | {
      line: number;
      entity: 'residents';
      op: 'update';
      id: string;
      patch: { unitId?: string; name?: string; phone?: string; email?: string };
    }
  | { line: number; entity: 'cards'; op: 'create'; row: { id: string; uid: string; residentId: string } }
  | {
      line: number;
      entity: 'accessRules';
      op: 'create';
      row: { id: string; residentId: string; doorId: string };
    };

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface ImportPlan {
  writes: ImportWrite[];
  errors: ImportIssue[];
  summary: { units: ImportCounts; residents: ImportCounts; cards: ImportCounts; accessRules: ImportCounts };
}

interface SeenResident {
  line: number;
  id: string;
  unitId: string;
  name: string;
  phone: string | undefined;
  email: string | undefined;
  stored: boolean;
  /** Doors the file grants (any time), with the line that first named each. */
  doors: Map<string, number>;
}

export function planImport(buildingId: string, rows: readonly ImportRow[], lookup: ImportLookup): ImportPlan {
  const errors: ImportIssue[] = [];
  const fail = (line: number, column: string | null, code: string, message: string) =>
    errors.push({ line, column, code, message });
  const residents = new Map<string, SeenResident>();
  const cards = new Map<string, number>();
  /** New residents the file names without an id, by (unit, name): the id they are created with. */
  const newByName = new Map<string, string>();
  // Units first, so any row may name the unit that another row creates.
  const units = planUnits(buildingId, rows, lookup, (issue) => errors.push(issue));
  const { badUnits } = units;
  const writes: ImportWrite[] = [...units.writes];
  const summary = { units: units.counts, residents: counts(), cards: counts(), accessRules: counts() };
  const buildingDoors = new Set(lookup.doors(buildingId));

  for (const { line, cells } of rows) {
    const unitId = cells.unit_id!;
    if (badUnits.has(unitId)) {
      const stored = lookup.unit(unitId);
      fail(
        line,
        'unit_id',
        stored ? 'other_building' : 'unknown_unit',
        stored
          ? `unit "${unitId}" belongs to another building`
          : `no unit "${unitId}" in this building (give unit_name to create it)`,
      );
      continue;
    }
    const name = cells.name!;
    const resident = identify(cells.resident_id, unitId, name, line);
    if (!resident) continue;
    const seen = residents.get(resident.id);
    if (seen) {
      const differs =
        seen.unitId !== unitId
          ? 'unit_id'
          : seen.name !== name
            ? 'name'
            : cells.phone !== undefined && seen.phone !== undefined && cells.phone !== seen.phone
              ? 'phone'
              : cells.email !== undefined && seen.email !== undefined && cells.email !== seen.email
                ? 'email'
                : undefined;
      if (differs) {
        fail(
          line,
          differs,
          'conflict',
          `resident "${resident.id}" is described otherwise on line ${seen.line}`,
        );
        continue;
      }
      seen.phone ??= cells.phone;
      seen.email ??= cells.email;
    }
    const doors = doorsOf(cells.doors, line);
    if (!doors) continue;
    const entry = seen ?? {
      line,
      id: resident.id,
      unitId,
      name,
      phone: cells.phone,
      email: cells.email,
      stored: resident.stored,
      doors: new Map<string, number>(),
    };
    residents.set(resident.id, entry);
    for (const door of doors) if (!entry.doors.has(door)) entry.doors.set(door, line);
    const uid = cells.card_uid;
    if (uid === undefined) continue;
    const first = cards.get(uid);
    if (first !== undefined) {
      fail(line, 'card_uid', 'duplicate_uid', `the same card UID is on line ${first}`);
      continue;
    }
    cards.set(uid, line);
    const stored = lookup.card(uid);
    if (stored && (!resident.stored || stored.residentId !== resident.id)) {
      fail(line, 'card_uid', 'uid_taken', 'this card UID is already registered to another resident');
    } else if (stored) {
      summary.cards.unchanged++;
    } else {
      writes.push({
        line,
        entity: 'cards',
        op: 'create',
        row: { id: randomUUID(), uid, residentId: resident.id },
      });
      summary.cards.created++;
    }
  }

  for (const seen of residents.values()) {
    residentWrite(seen);
    for (const [doorId, line] of seen.doors) {
      if (seen.stored && lookup.hasRule(seen.id, doorId)) summary.accessRules.unchanged++;
      else {
        writes.push({
          line,
          entity: 'accessRules',
          op: 'create',
          row: { id: randomUUID(), residentId: seen.id, doorId },
        });
        summary.accessRules.created++;
      }
    }
  }
  // Units, then residents, then cards: each row's references exist before it is written.
  const order = { units: 0, residents: 1, cards: 2, accessRules: 3 };
  writes.sort((a, b) => order[a.entity] - order[b.entity]);
  return { writes, errors: errors.sort((a, b) => a.line - b.line), summary };

  /** The doors a cell names ("*": all of the building's), or undefined when it names a door elsewhere. */
  function doorsOf(cell: string | undefined, line: number): string[] | undefined {
    if (cell === undefined) return [];
    if (cell === '*') return [...buildingDoors];
    const ids = cell
      .split(';')
      .map((id) => id.trim())
      .filter((id) => id !== '');
    const unknown = ids.filter((id) => !buildingDoors.has(id));
    if (unknown.length === 0) return ids;
    fail(
      line,
      'doors',
      'unknown_door',
      `no door ${unknown.map((id) => `"${id}"`).join(', ')} in this building`,
    );
    return undefined;
  }

  /** The resident a row means: by id, else by (unit, name); undefined when the row is refused. */
  function identify(
    residentId: string | undefined,
    unitId: string,
    name: string,
    line: number,
  ): { id: string; stored: boolean } | undefined {
    if (residentId !== undefined) {
      const stored = lookup.resident(residentId);
      if (stored && lookup.unit(stored.unitId)?.buildingId !== buildingId) {
        fail(line, 'resident_id', 'other_building', `resident "${residentId}" belongs to another building`);
        return undefined;
      }
      return { id: residentId, stored: stored !== undefined };
    }
    const key = `${unitId}\u0000${name}`;
    const known = newByName.get(key);
    if (known) return { id: known, stored: false };
    const matches = lookup.unit(unitId) ? lookup.residentsNamed(unitId, name) : [];
    if (matches.length > 1) {
      fail(
        line,
        'name',
        'ambiguous',
        `${matches.length} residents of unit "${unitId}" have this name: give resident_id`,
      );
      return undefined;
    }
    if (matches.length === 1) return { id: matches[0]!, stored: true };
    const id = randomUUID();
    newByName.set(key, id);
    return { id, stored: false };
  }

  function residentWrite(seen: SeenResident): void {
    if (!seen.stored) {
      writes.push({
        line: seen.line,
        entity: 'residents',
        op: 'create',
        row: {
          id: seen.id,
          unitId: seen.unitId,
          name: seen.name,
          phone: seen.phone ?? null,
          email: seen.email ?? null,
        },
      });
      summary.residents.created++;
      return;
    }
    const stored = lookup.resident(seen.id)!;
    const patch: { unitId?: string; name?: string; phone?: string; email?: string } = {};
    if (stored.unitId !== seen.unitId) patch.unitId = seen.unitId;
    if (stored.name !== seen.name) patch.name = seen.name;
    if (seen.phone !== undefined && stored.phone !== seen.phone) patch.phone = seen.phone;
    if (seen.email !== undefined && stored.email !== seen.email) patch.email = seen.email;
    if (Object.keys(patch).length === 0) summary.residents.unchanged++;
    else {
      writes.push({ line: seen.line, entity: 'residents', op: 'update', id: seen.id, patch });
      summary.residents.updated++;
    }
  }
}

function counts(): ImportCounts {
  return { created: 0, updated: 0, unchanged: 0 };
}
