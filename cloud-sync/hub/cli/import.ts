/**
 * `portvakt-hub import --building ID --file x.csv [--dry-run]`: the admin API's CSV import
 * (import/import-building.ts) on the hub database directly. Prints the report as JSON; every bad row also
 * goes to stderr as one line, and then nothing is changed (exit code 1).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SystemClock } from '../../../lib/clock/clock.ts';
import { ValidationError } from '../../../lib/errors.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { IMPORT_COLUMNS_HELP, MAX_IMPORT_BYTES } from '../import/csv-columns.ts';
import { importBuilding } from '../import/import-building.ts';
import { openHubStore } from '../store/hub-store.ts';
import {
  type CliIo,
  DATA_DIR_HELP,
  DATA_DIR_OPTION,
  dataDir,
  parse,
  printJson,
  required,
  showHelp,
} from './common.ts';

const HELP = `usage: portvakt-hub import --building ID --file FILE.csv [--dry-run]

Imports a building's units, residents and cards. With --dry-run, checks the file and reports what an
import would do, changing nothing. A file with any bad row changes nothing either; the rows are listed
on stderr (line, column, reason) and the exit code is 1.

${IMPORT_COLUMNS_HELP}

  --building ID        the building the rows belong to
  --file FILE          the CSV file (at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB)
  --dry-run            check only
${DATA_DIR_HELP}
A running hub publishes an import made here on its next sweep; through the admin API
(POST /api/v1/buildings/ID/import?dryRun=false) panels get it at once.
`;

export function runImport(args: string[], io: CliIo): number {
  const values = parse(args, {
    ...DATA_DIR_OPTION,
    building: { type: 'string' },
    file: { type: 'string' },
    'dry-run': { type: 'boolean' },
  });
  if (values['help']) return showHelp(io, HELP);
  const buildingId = required(values, 'building');
  const bytes = readCsv(required(values, 'file'));
  const store = openHubStore(join(dataDir(values, io), 'hub.db'), {
    clock: new SystemClock(),
    logger: silentLogger,
  });
  try {
    const report = importBuilding(store.entities, buildingId, bytes, { dryRun: values['dry-run'] === true });
    printJson(io, report);
    for (const e of report.errors)
      io.err(`line ${e.line}${e.column === null ? '' : `, column ${e.column}`}: ${e.message} (${e.code})\n`);
    if (report.errorsNotShown > 0) io.err(`… and ${report.errorsNotShown} more\n`);
    return report.errors.length > 0 ? 1 : 0;
  } finally {
    store.close();
  }
}

function readCsv(path: string): Buffer {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (err) {
    throw new ValidationError(`--file: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  if (size > MAX_IMPORT_BYTES)
    throw new ValidationError(`--file: ${path} is larger than ${MAX_IMPORT_BYTES} bytes`);
  return readFileSync(path);
}
