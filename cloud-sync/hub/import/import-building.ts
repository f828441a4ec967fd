/**
 * A building's CSV import, shared by the admin API and the CLI: read the file, plan its writes against the
 * hub's rows, and — when nothing is wrong — run them as one batch (entities.ts): one transaction, one
 * config publish for the whole file. A dry run does the same writes and rolls them back, so it reports
 * exactly what an apply would do; a file with any bad row, or a write the store refuses, changes nothing.
 */
import { PortvaktError } from '../../../lib/errors.ts';
import type { Entities } from '../store/entities.ts';
import { type ImportLookup, type ImportPlan, type ImportWrite, planImport } from './plan-import.ts';
import { type ImportIssue, readImportCsv } from './read-csv.ts';

/** A file full of mistakes is answered with the first ones and a count of the rest. */
export const MAX_REPORTED_ERRORS = 10_000;

export interface ImportReport {
  buildingId: string;
  dryRun: boolean;
  /** True when the writes were committed (never for a dry run or a file with errors). */
  applied: boolean;
  /** Data rows read (the header and empty lines not counted). */
  rows: number;
  errors: ImportIssue[];
  /** Errors beyond MAX_REPORTED_ERRORS, not listed. */
  errorsNotShown: number;
  summary: ImportPlan['summary'];
}

/** Thrown inside the batch when the store refuses a planned write: rolls the whole import back. */
class ImportRefused extends Error {}

export function importBuilding(
  entities: Entities,
  buildingId: string,
  bytes: Uint8Array,
  options: { dryRun: boolean },
): ImportReport {
  entities.get('buildings', buildingId);
  const read = readImportCsv(bytes);
  const plan = planImport(buildingId, read.rows, entityLookup(entities));
  const errors = [...read.errors, ...plan.errors].sort((a, b) => a.line - b.line);
  const report = (applied: boolean, found: ImportIssue[]): ImportReport => ({
    buildingId,
    dryRun: options.dryRun,
    applied,
    rows: read.rows.length + new Set(read.errors.map((e) => e.line)).size,
    errors: found.slice(0, MAX_REPORTED_ERRORS),
    errorsNotShown: Math.max(0, found.length - MAX_REPORTED_ERRORS),
    summary: plan.summary,
  });
  if (errors.length > 0) return report(false, errors);
  const refused: ImportIssue[] = [];
  try {
    entities.batch(
      () => {
        for (const write of plan.writes) {
          try {
            runWrite(entities, write);
          } catch (err) {
            if (!(err instanceof PortvaktError)) throw err;
            refused.push({ line: write.line, column: null, code: err.code, message: err.message });
          }
        }
        if (refused.length > 0) throw new ImportRefused();
      },
      { dryRun: options.dryRun },
    );
  } catch (err) {
    if (!(err instanceof ImportRefused)) throw err;
    return report(false, refused);
  }
  return report(!options.dryRun, []);
}

function runWrite(entities: Entities, write: ImportWrite): void {
  if (write.op === 'create') entities.create(write.entity, write.row);
  else entities.update(write.entity, write.id, write.patch);
}

/** The plan's view of the hub's rows. */
function entityLookup(entities: Entities): ImportLookup {
  return {
    unit: (id) => entities.find('units', id),
    unitNumbered: (buildingId, number) => entities.list('units', { buildingId, number })[0]?.id,
    resident: (id) => entities.find('residents', id),
    residentsNamed: (unitId, name) => entities.list('residents', { unitId, name }).map((r) => r.id),
    card: (uid) => entities.list('cards', { uid })[0],
    doors: (buildingId) => entities.list('doors', { buildingId }).map((d) => d.id),
    hasRule: (residentId, doorId) =>
      entities.list('accessRules', { residentId, doorId }).some((r) => r.timeProfileId === null),
  };
}
