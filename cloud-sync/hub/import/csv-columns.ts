/**
 * The columns of a building's CSV import (units, residents and their cards), described once: the reader
 * checks the header against them, each cell is parsed with its column's schema (the same field schemas the
 * hub's rows use, so a cell the import accepts is one the store accepts), and the API, the CLI's help and
 * the OpenAPI document print `IMPORT_COLUMNS_HELP`.
 */
import { z } from 'zod';
import { CARD_UID_PATTERN, UNIT_NUMBER_PATTERN } from '../../protocol/building.ts';
import { E164_PATTERN } from '../../protocol/directory.ts';
import { entityId, name } from '../../protocol/fields.ts';

/** RFC 5321's bound on an address; the shape check is deliberately loose (one @, no spaces). */
const email = z
  .string()
  .max(254, 'too long (at most 254 characters)')
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'is not an e-mail address');

const text = (what: z.ZodString, max: number) => what.max(max, `too long (at most ${max} characters)`);

export const IMPORT_COLUMNS = {
  unit_id: {
    required: true,
    schema: text(entityId, 128),
    help: "the unit's id; a unit not yet at the hub is created (give unit_name)",
  },
  unit_name: {
    required: false,
    schema: text(name, 200),
    help: 'the unit\'s name (e.g. "A 1201"); renames an existing unit',
  },
  unit_number: {
    required: false,
    schema: z.string().regex(UNIT_NUMBER_PATTERN, 'must be 1 to 8 digits, such as "0101"'),
    help: "optional: the flat number a visitor dials on the panel (digits, unique in the building); sets the unit's number",
  },
  resident_id: {
    required: false,
    schema: text(entityId, 128),
    help: "the resident's id; empty: the resident of that unit with that name, or a new one",
  },
  name: { required: true, schema: text(name, 200), help: "the resident's name" },
  email: {
    required: false,
    schema: email,
    help: "optional: the resident's e-mail (the hub keeps it; panels never receive it)",
  },
  phone: {
    required: false,
    schema: z.string().regex(E164_PATTERN, 'must be an E.164 number such as "+46701234567"'),
    help: 'optional, E.164 ("+46701234567"): the phone fallback rings it',
  },
  card_uid: {
    required: false,
    schema: z
      .string()
      .transform((s) => s.toUpperCase())
      .pipe(z.string().regex(CARD_UID_PATTERN, 'must be 4, 7 or 10 bytes of hex (8, 14 or 20 digits)')),
    help: 'optional: a card for the resident (one card per row; repeat the resident for more cards)',
  },
  doors: {
    required: false,
    schema: z.string().max(4000, 'too long (at most 4000 characters)'),
    help: 'optional: door ids of this building the resident\'s cards open at any time, separated by ";", or "*" for every door',
  },
} as const satisfies Record<string, { required: boolean; schema: z.ZodType<string>; help: string }>;

export type ImportColumn = keyof typeof IMPORT_COLUMNS;
export const IMPORT_COLUMN_NAMES = Object.keys(IMPORT_COLUMNS) as ImportColumn[];

/** One data row's cells, parsed; an empty optional cell is absent. */
export type ImportCells = { [C in ImportColumn]?: string };

/** Most data rows one import takes (a building rarely has more than a few thousand residents). */
export const MAX_IMPORT_ROWS = 50_000;
/** Largest file the import route accepts; its own bound, the other routes keep theirs. */
export const MAX_IMPORT_BYTES = 16 * 1024 * 1024;

export const IMPORT_COLUMNS_HELP = `CSV, UTF-8, comma-separated, with a header row naming the columns (any order, case-insensitive):
${IMPORT_COLUMN_NAMES.map((c) => `  ${c.padEnd(12)} ${IMPORT_COLUMNS[c].required ? 'required' : 'optional'}: ${IMPORT_COLUMNS[c].help}`).join('\n')}
A row adds or updates a resident (and a unit, and a card); nothing is removed. Importing the same file
again changes nothing. Every bad row is reported (line, column, reason) and then nothing is changed.`;
