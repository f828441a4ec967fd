/**
 * Reads an import file into rows of parsed cells, each with the line it starts on, and every problem found
 * on the way: not UTF-8 (each bad line), a header that lacks a required column or names an unknown or
 * repeated one, a row with the wrong number of cells, a cell its column's schema refuses. Rows with a
 * problem are left out of `rows`; the caller changes nothing while `errors` is not empty.
 */
import { CsvError, parse } from 'csv-parse/sync';
import {
  IMPORT_COLUMN_NAMES,
  IMPORT_COLUMNS,
  type ImportCells,
  type ImportColumn,
  MAX_IMPORT_ROWS,
} from './csv-columns.ts';

/** One reason a row (or the file) cannot be imported; `column` is null when it is not one cell's. */
export interface ImportIssue {
  line: number;
  column: string | null;
  code: string;
  message: string;
}

export interface ImportRow {
  line: number;
  cells: ImportCells;
}

export interface ReadResult {
  rows: ImportRow[];
  errors: ImportIssue[];
}

/** Longest row accepted: every column at its longest, with room for quoting. */
const MAX_RECORD_BYTES = 16 * 1024;

interface ParsedRecord {
  record: string[];
  info: { lines: number; empty_lines: number };
}

export function readImportCsv(bytes: Uint8Array): ReadResult {
  const text = decodeUtf8(bytes);
  if (typeof text !== 'string') return { rows: [], errors: text };
  let records: ParsedRecord[];
  try {
    // With `info`, csv-parse returns {record, info} per row; its typings do not follow the option.
    records = parse(text, {
      bom: true,
      relax_column_count: true,
      info: true,
      skip_empty_lines: true,
      // Bounds before anything is built: the header, the rows an import takes and one more (to say that
      // there are too many), each at most a few cells' worth of bytes.
      to: MAX_IMPORT_ROWS + 2,
      max_record_size: MAX_RECORD_BYTES,
    }) as unknown as ParsedRecord[];
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    const line = typeof err['lines'] === 'number' ? err['lines'] : 1;
    return { rows: [], errors: [{ line, column: null, code: 'csv_syntax', message: err.message }] };
  }
  const [header, ...data] = withStartLines(records);
  if (!header) return { rows: [], errors: [issue(1, null, 'empty_file', 'the file has no header row')] };
  const columns = readHeader(header.record, header.line);
  if (!Array.isArray(columns)) return { rows: [], errors: columns.errors };
  const errors: ImportIssue[] = [];
  const rows: ImportRow[] = [];
  for (const { record, line } of data) {
    if (rows.length + errors.length >= MAX_IMPORT_ROWS) {
      errors.push(issue(line, null, 'too_many_rows', `an import takes at most ${MAX_IMPORT_ROWS} rows`));
      break;
    }
    if (record.length !== columns.length) {
      errors.push(
        issue(line, null, 'column_count', `${record.length} cells, the header has ${columns.length}`),
      );
      continue;
    }
    const row = readCells(record, columns, line);
    if (Array.isArray(row)) errors.push(...row);
    else rows.push(row);
  }
  return { rows, errors };
}

/** The file as text, or one issue per line that is not valid UTF-8. */
function decodeUtf8(bytes: Uint8Array): string | ImportIssue[] {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const errors: ImportIssue[] = [];
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let start = 0;
    for (let line = 1; start <= bytes.length; line++) {
      const end = bytes.indexOf(0x0a, start);
      const stop = end === -1 ? bytes.length : end;
      try {
        decoder.decode(bytes.subarray(start, stop));
      } catch {
        errors.push(issue(line, null, 'not_utf8', 'not UTF-8 text (save the file as UTF-8)'));
      }
      start = stop + 1;
    }
    return errors;
  }
}

/** csv-parse counts the line a record ends on; a quoted cell may span lines, so work out where it began. */
function withStartLines(records: readonly ParsedRecord[]): { record: string[]; line: number }[] {
  let previousEnd = 0;
  let previousEmpty = 0;
  return records.map(({ record, info }) => {
    const line = previousEnd + 1 + (info.empty_lines - previousEmpty);
    previousEnd = info.lines;
    previousEmpty = info.empty_lines;
    return { record, line };
  });
}

function readHeader(names: readonly string[], line: number): ImportColumn[] | { errors: ImportIssue[] } {
  const errors: ImportIssue[] = [];
  const columns: ImportColumn[] = [];
  for (const raw of names) {
    const name = raw.trim().toLowerCase();
    if (!isColumn(name))
      errors.push(
        issue(
          line,
          raw,
          'unknown_column',
          `unknown column; the columns are ${IMPORT_COLUMN_NAMES.join(', ')}`,
        ),
      );
    else if (columns.includes(name)) errors.push(issue(line, raw, 'repeated_column', 'named twice'));
    else columns.push(name);
  }
  for (const name of IMPORT_COLUMN_NAMES)
    if (IMPORT_COLUMNS[name].required && !columns.includes(name))
      errors.push(issue(line, name, 'missing_column', 'required column missing from the header'));
  return errors.length > 0 ? { errors } : columns;
}

function readCells(record: readonly string[], columns: readonly ImportColumn[], line: number) {
  const cells: ImportCells = {};
  const errors: ImportIssue[] = [];
  columns.forEach((column, i) => {
    const value = record[i]!.trim();
    const spec = IMPORT_COLUMNS[column];
    if (value === '') {
      if (spec.required) errors.push(issue(line, column, 'missing', 'required, but empty'));
      return;
    }
    const parsed = spec.schema.safeParse(value);
    if (parsed.success) cells[column] = parsed.data;
    else errors.push(issue(line, column, 'invalid', parsed.error.issues.map((i) => i.message).join('; ')));
  });
  return errors.length > 0 ? errors : { line, cells };
}

function isColumn(name: string): name is ImportColumn {
  return Object.hasOwn(IMPORT_COLUMNS, name);
}

function issue(line: number, column: string | null, code: string, message: string): ImportIssue {
  return { line, column, code, message };
}
