/**
 * The units an import file names, planned before its residents (any row may name the unit another row
 * creates): a unit is created when the hub lacks it (its name given), renamed or renumbered when a row
 * says so; an empty cell leaves the stored value as it is. Refused: a unit of another building, an unknown
 * unit with no name, two rows that disagree about one unit's name or number, and a flat number that two
 * units would share (in the file, or with a unit the hub already numbered so: a visitor dialing it must
 * reach one flat).
 */
import type { ImportIssue, ImportRow } from './read-csv.ts';

export interface UnitLookup {
  unit(id: string): { buildingId: string; name: string; number: string | null } | undefined;
  /** The building's unit with this flat number, if any. */
  unitNumbered(buildingId: string, number: string): string | undefined;
}

export type UnitWrite =
  | {
      line: number;
      entity: 'units';
      op: 'create';
      row: { id: string; buildingId: string; name: string; number: string | null };
    }
  | { line: number; entity: 'units'; op: 'update'; id: string; patch: { name?: string; number?: string } };

export interface UnitCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface UnitPlan {
  writes: UnitWrite[];
  /** Units whose rows are refused (reported per row by the caller: unknown, or another building's). */
  badUnits: Set<string>;
  counts: UnitCounts;
}

interface SeenUnit {
  line: number;
  name: string | undefined;
  number: { value: string; line: number } | undefined;
}

export function planUnits(
  buildingId: string,
  rows: readonly ImportRow[],
  lookup: UnitLookup,
  fail: (issue: ImportIssue) => void,
): UnitPlan {
  const units = new Map<string, SeenUnit>();
  /** Which unit of the file asked for each number first. */
  const numbered = new Map<string, { unitId: string; line: number }>();
  for (const { line, cells } of rows) {
    const unitId = cells.unit_id!;
    const seen = units.get(unitId) ?? { line, name: undefined, number: undefined };
    units.set(unitId, seen);
    if (cells.unit_name !== undefined) {
      if (seen.name === undefined) seen.name = cells.unit_name;
      else if (cells.unit_name !== seen.name)
        fail({
          line,
          column: 'unit_name',
          code: 'conflict',
          message: `unit "${unitId}" is named "${seen.name}" on line ${seen.line}`,
        });
    }
    const number = cells.unit_number;
    if (number === undefined) continue;
    if (seen.number !== undefined) {
      if (number !== seen.number.value)
        fail({
          line,
          column: 'unit_number',
          code: 'conflict',
          message: `unit "${unitId}" has number "${seen.number.value}" on line ${seen.number.line}`,
        });
      continue;
    }
    const first = numbered.get(number);
    if (first && first.unitId !== unitId) {
      fail({
        line,
        column: 'unit_number',
        code: 'duplicate_number',
        message: `unit "${first.unitId}" has the same number on line ${first.line}`,
      });
      continue;
    }
    numbered.set(number, { unitId, line });
    seen.number = { value: number, line };
  }

  const writes: UnitWrite[] = [];
  const badUnits = new Set<string>();
  const counts: UnitCounts = { created: 0, updated: 0, unchanged: 0 };
  for (const [unitId, seen] of units) {
    const stored = lookup.unit(unitId);
    if ((stored && stored.buildingId !== buildingId) || (!stored && seen.name === undefined)) {
      badUnits.add(unitId);
      continue;
    }
    const number = seen.number;
    if (number && stored?.number !== number.value) {
      const holder = lookup.unitNumbered(buildingId, number.value);
      if (holder !== undefined && holder !== unitId) {
        fail({
          line: number.line,
          column: 'unit_number',
          code: 'number_taken',
          message: `unit "${holder}" of this building has number "${number.value}" (renumber it first)`,
        });
        continue;
      }
    }
    if (!stored) {
      const row = { id: unitId, buildingId, name: seen.name!, number: number?.value ?? null };
      writes.push({ line: seen.line, entity: 'units', op: 'create', row });
      counts.created++;
      continue;
    }
    const patch: { name?: string; number?: string } = {};
    if (seen.name !== undefined && seen.name !== stored.name) patch.name = seen.name;
    if (number && number.value !== stored.number) patch.number = number.value;
    if (Object.keys(patch).length === 0) counts.unchanged++;
    else {
      writes.push({ line: seen.line, entity: 'units', op: 'update', id: unitId, patch });
      counts.updated++;
    }
  }
  return { writes, badUnits, counts };
}
