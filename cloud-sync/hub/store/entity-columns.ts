/**
 * How an admin row maps onto its table: camelCase fields to snake_case columns, lists as JSON text,
 * booleans as 0/1 (SQLite has neither). Reads undo it and leave out secret columns; entities.ts then
 * parses the result with the entity's view schema, which gives it its type.
 */
import { camelCase, type EntityName, fieldsOf, snakeCase, specOf } from './entity-specs.ts';

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

/** A table row as fields, ready for the view schema. */
export function fromColumns(name: EntityName, row: object): Values {
  const spec = specOf(name);
  const out: Values = {};
  for (const [column, value] of Object.entries(row)) {
    if (spec.hidden?.includes(column)) continue;
    const field = camelCase(column);
    if (spec.json?.includes(field)) out[field] = JSON.parse(String(value));
    else if (spec.bool?.includes(field)) out[field] = value === 1;
    else out[field] = value;
  }
  return out;
}
