/**
 * One generic repository for every admin table in entity-specs.ts: create, read, list, update (a partial
 * body merged onto the stored row, then validated whole), delete. Every write runs in a transaction and
 * tells the change listeners afterwards, so the config publisher recompiles what the change affects.
 */
import type { Database } from 'better-sqlite3';
import type { Clock } from '../../../lib/clock/clock.ts';
import { NotFoundError, PortvaktError, ValidationError } from '../../../lib/errors.ts';
import { parseInput } from '../../../lib/http/parse-input.ts';
import { checkEntityRules } from './entity-rules.ts';
import { camelCase, ENTITY_SPECS, type EntityName, type EntitySpec, snakeCase } from './entity-specs.ts';

export type Row = Record<string, unknown>;
/** What changed: `before` is absent for a create, `after` for a delete. */
export interface EntityChange {
  entity: EntityName;
  id: string;
  before?: Row | undefined;
  after?: Row | undefined;
}
/**
 * Called inside the write's transaction, so what it records (a config version, a pending patch) commits
 * with the change or not at all; what it returns runs after the commit (publishing).
 */
export type ChangeListener = (change: EntityChange) => (() => void) | undefined;

export class Entities {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #listeners = new Set<ChangeListener>();

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  list(name: EntityName, filter: Record<string, string> = {}): Row[] {
    const spec: EntitySpec = ENTITY_SPECS[name];
    const known = new Set([...spec.fields, ...(spec.derived ?? [])]);
    const where: string[] = [];
    const values: string[] = [];
    for (const [field, value] of Object.entries(filter)) {
      if (!known.has(field)) throw new ValidationError(`cannot filter ${spec.name} by "${field}"`);
      where.push(`${snakeCase(field)} = ?`);
      values.push(value);
    }
    const sql = `SELECT * FROM ${spec.table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
    return (this.#db.prepare(sql).all(...values) as Row[]).map((r) => toView(spec, r));
  }

  find(name: EntityName, id: string): Row | undefined {
    const spec: EntitySpec = ENTITY_SPECS[name];
    const row = this.#db.prepare(`SELECT * FROM ${spec.table} WHERE id = ?`).get(id) as Row | undefined;
    return row && toView(spec, row);
  }

  get(name: EntityName, id: string): Row {
    const row = this.find(name, id);
    if (!row) throw new NotFoundError(`no ${ENTITY_SPECS[name].what} "${id}"`);
    return row;
  }

  create(name: EntityName, input: unknown): Row {
    const spec: EntitySpec = ENTITY_SPECS[name];
    const row = parseInput(spec.schema, input, spec.what) as Row;
    const id = String(row['id']);
    this.#write(spec, () => {
      if (this.find(name, id))
        throw new PortvaktError('conflict', `${spec.what} "${row['id']}" already exists`);
      const values = { ...this.#columns(spec, row), ...this.#derive(spec, row, true) };
      const cols = Object.keys(values);
      this.#db
        .prepare(
          `INSERT INTO ${spec.table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`,
        )
        .run(values);
      return { entity: name, id, after: this.get(name, id) };
    });
    return this.get(name, id);
  }

  update(name: EntityName, id: string, patch: unknown): Row {
    const spec: EntitySpec = ENTITY_SPECS[name];
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
      throw new ValidationError(`invalid ${spec.what}: body must be a JSON object`);
    if ('id' in patch && (patch as Row)['id'] !== id)
      throw new ValidationError(`invalid ${spec.what}: id cannot change (delete and create instead)`);
    const current = this.get(name, id);
    const merged = Object.fromEntries(spec.fields.map((f) => [f, current[f]]));
    const row = parseInput(spec.schema, { ...merged, ...patch }, spec.what) as Row;
    this.#write(spec, () => {
      const values = { ...this.#columns(spec, row), ...this.#derive(spec, row, false) };
      const sets = Object.keys(values).filter((c) => c !== 'id');
      this.#db
        .prepare(`UPDATE ${spec.table} SET ${sets.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`)
        .run(values);
      // A panel moving building takes its doors along (a door's building is always its panel's).
      if (name === 'panels')
        this.#db.prepare('UPDATE doors SET building_id = ? WHERE panel_id = ?').run(row['buildingId'], id);
      return { entity: name, id, before: current, after: this.get(name, id) };
    });
    return this.get(name, id);
  }

  remove(name: EntityName, id: string): void {
    const spec: EntitySpec = ENTITY_SPECS[name];
    const current = this.get(name, id);
    this.#write(spec, () => {
      this.#db.prepare(`DELETE FROM ${spec.table} WHERE id = ?`).run(id);
      return { entity: name, id, before: current };
    });
  }

  /** Runs a write and its listeners in one transaction, turning constraint failures into clear conflicts. */
  #write(spec: EntitySpec, fn: () => EntityChange): void {
    const afterCommit: (() => void)[] = [];
    try {
      this.#db.transaction(() => {
        const change = fn();
        for (const listener of this.#listeners) {
          const after = listener(change);
          if (after) afterCommit.push(after);
        }
      })();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      // RESTRICT violations surface as SQLITE_CONSTRAINT_TRIGGER with the foreign-key message.
      if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || /FOREIGN KEY/.test((err as Error).message))
        throw new PortvaktError('conflict', `${spec.what} is still referenced (e.g. a building with panels)`);
      if (code === 'SQLITE_CONSTRAINT_UNIQUE' && spec.unique)
        throw new PortvaktError('conflict', spec.unique);
      throw err;
    }
    for (const after of afterCommit) after();
  }

  #columns(spec: EntitySpec, row: Row): Row {
    const out: Row = {};
    for (const field of spec.fields) {
      const value = row[field] ?? null;
      if (spec.json?.includes(field)) out[snakeCase(field)] = JSON.stringify(value);
      else if (spec.bool?.includes(field)) out[snakeCase(field)] = value ? 1 : 0;
      else out[snakeCase(field)] = value;
    }
    for (const [field, table] of Object.entries(spec.refs ?? {})) {
      const ref = row[field];
      if (ref === null || ref === undefined) continue;
      if (!this.#db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(ref))
        throw new ValidationError(`invalid ${spec.what}: ${field} "${ref}" does not exist`, [
          `${field}: no such ${table.replace(/_/g, ' ').replace(/s$/, '')} "${ref}"`,
        ]);
    }
    checkEntityRules(this.#db, spec.name as EntityName, row);
    return out;
  }

  #derive(spec: EntitySpec, row: Row, inserting: boolean): Row {
    if (spec.name === 'doors') {
      const panel = this.#db.prepare('SELECT building_id FROM panels WHERE id = ?').get(row['panelId']) as
        | { building_id: string }
        | undefined;
      return { building_id: panel?.building_id };
    }
    if (spec.name === 'panels' && inserting)
      return { broker_username: row['id'], created_at: this.#clock.now() };
    return {};
  }
}

function toView(spec: EntitySpec, row: Row): Row {
  const out: Row = {};
  for (const [column, value] of Object.entries(row)) {
    if (spec.hidden?.includes(column)) continue;
    const field = camelCase(column);
    if (spec.json?.includes(field)) out[field] = JSON.parse(String(value));
    else if (spec.bool?.includes(field)) out[field] = value === 1;
    else out[field] = value;
  }
  return out;
}
