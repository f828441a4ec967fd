/**
 * How an admin row maps onto its table: camelCase fields to snake_case columns, lists as JSON text,
 * booleans as 0/1 (SQLite has neither). Queries select columns under their field names (`selectList`), so
 * reading back only undoes JSON and booleans; the caller then parses the row with a schema, which gives it
 * its type. Columns outside an entity's view (a panel's password hash) are never selected.
 */
import { type EntityName, fieldsOf, snakeCase, specOf, viewFieldsOf } from './entity-specs.ts';

type Values = Record<string, unknown>;

/** The columns to write for a validated row (its stored fields only). */
export function toColumns(name: EntityName, row: Values): Values {
  const { json = [], bool = [] } = specOf(name);
  const out: Values = {};
  for (const field of fieldsOf(name)) {
    const value = row[field] ?? null;
    if (json.includes(field)) out[snakeCase(field)] = JSON.stringify(value);
    else if (bool.includes(field)) out[snakeCase(field)] = value ? 1 : 0;
    else out[snakeCase(field)] = value;
  }
  return out;
}

/** `column AS field, …` for a SELECT: by default every field of the entity's view. */
export function selectList(
  name: EntityName,
  options: { fields?: readonly string[]; alias?: string } = {},
): string {
  const { fields = viewFieldsOf(name), alias = '' } = options;
  return fields
    .map((field) => {
      const column = snakeCase(field);
      return column === field ? `${alias}${field}` : `${alias}${column} AS ${field}`;
    })
    .join(', ');
}

const viewSelects = new Map<EntityName, string>();

/** `selectList` of the entity's view, worked out once per entity (every read uses it). */
export function viewSelect(name: EntityName): string {
  let list = viewSelects.get(name);
  if (list === undefined) {
    list = selectList(name);
    viewSelects.set(name, list);
  }
  return list;
}

/**
 * A row selected under field names, with `name`'s JSON and boolean fields decoded. Rows without such
 * fields come back as they are: a compile reads tens of thousands of them.
 */
export function decodeRow(name: EntityName, row: unknown): unknown {
  const { json = [], bool = [] } = specOf(name);
  if (json.length === 0 && bool.length === 0) return row;
  if (typeof row !== 'object' || row === null) throw new Error(`a ${name} query returned a non-row`);
  const out: Values = { ...row };
  for (const field of json) if (field in out) out[field] = JSON.parse(String(out[field]));
  for (const field of bool) if (field in out) out[field] = out[field] === 1;
  return out;
}
