/**
 * One generic repository for every admin table in entity-specs.ts: create, read, list, update (a partial
 * body merged onto the stored row, then validated whole), delete. Reads return the entity's view type
 * (`get('doors', id).panelId`). Every write runs in a transaction and tells the change listeners
 * afterwards, so the config publisher recompiles what the change affects.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { Clock } from '../../../lib/clock/clock.ts';
import { NotFoundError, PortvaktError, ValidationError } from '../../../lib/errors.ts';
import { parseInput } from '../../../lib/http/parse-input.ts';
import { decodeRow, toColumns, viewSelect } from './entity-columns.ts';
import { checkEntityRules } from './entity-rules.ts';
import {
  type EntityInput,
  type EntityName,
  type EntityView,
  fieldsOf,
  snakeCase,
  specOf,
  tableOf,
  viewFieldsOf,
} from './entity-specs.ts';
import { Statements } from './statements.ts';

/** Who made a change, for the change log: an administrator account, the operator token, the CLI… */
export interface ChangeActor {
  /** Shown in the log: a username, `operator-token`, `cli`, `resident:<id>`, `system`. */
  name: string;
  accountId: string | null;
}

const SYSTEM: ChangeActor = { name: 'system', accountId: null };

/** What changed: `before` is absent for a create, `after` for a delete. */
export interface EntityChange<N extends EntityName = EntityName> {
  entity: N;
  id: string;
  before?: EntityView<N> | undefined;
  after?: EntityView<N> | undefined;
  actor: ChangeActor;
}

/**
 * Narrows a change to one entity's row types. Sound because Entities builds every change from its own
 * entity's rows.
 */
export function isChangeOf<N extends EntityName>(change: EntityChange, name: N): change is EntityChange<N> {
  return change.entity === name;
}

/**
 * Called inside the write's transaction with every change the write made (one for a single-row write,
 * all of them for a bulk load or a `batch`), so what it records (a config version, a pending patch)
 * commits with the changes or not at all, and a bulk load costs one recompile, not one per row; what it
 * returns runs after the commit (publishing).
 */
export type ChangeListener = (changes: readonly EntityChange[]) => (() => void) | undefined;

/** Thrown inside a dry run's transaction to roll it back; never leaves `batch`. */
class DryRunRollback extends Error {}

export class Entities {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #listeners = new Set<ChangeListener>();
  readonly #statements: Statements;
  #actor: ChangeActor = SYSTEM;
  /**
   * Runs a function in a transaction, or in a savepoint inside the running one (a batch). Made once:
   * better-sqlite3's wrapper costs more to create than a one-row insert.
   */
  readonly #transaction: (fn: () => void) => void;
  /** While `batch` runs: the changes its writes made, told to the listeners once at its end. */
  #batched: EntityChange[] | undefined;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
    this.#statements = new Statements(db);
    this.#transaction = db.transaction((fn: () => void) => fn());
  }

  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Runs `fn` (synchronous: every write here is) with its changes attributed to `actor` in the change
   * log; changes made outside are the system's.
   */
  withActor<T>(actor: ChangeActor, fn: () => T): T {
    const previous = this.#actor;
    this.#actor = actor;
    try {
      return fn();
    } finally {
      this.#actor = previous;
    }
  }

  /** Rows whose fields equal the filter's values, by id; a field the entity lacks is a ValidationError. */
  list<N extends EntityName>(name: N, filter: Readonly<Record<string, string>> = {}): EntityView<N>[] {
    const known = new Set(viewFieldsOf(name));
    const where: string[] = [];
    const values: string[] = [];
    // Sorted, so that the SQL text depends only on which fields are filtered: the statement cache then
    // holds at most one statement per set of known field names (the import looks up a row per line).
    for (const [field, value] of Object.entries(filter).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (!known.has(field)) throw new ValidationError(`cannot filter ${name} by "${field}"`);
      where.push(`${snakeCase(field)} = ?`);
      values.push(value);
    }
    const sql = `SELECT ${viewSelect(name)} FROM ${tableOf(name)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
    return this.#sql(sql)
      .all(...values)
      .map((row) => this.#view(name, row));
  }

  find<N extends EntityName>(name: N, id: string): EntityView<N> | undefined {
    const row = this.#sql(`SELECT ${viewSelect(name)} FROM ${tableOf(name)} WHERE id = ?`).get(id);
    return row === undefined ? undefined : this.#view(name, row);
  }

  get<N extends EntityName>(name: N, id: string): EntityView<N> {
    const row = this.find(name, id);
    if (!row) throw new NotFoundError(`no ${specOf(name).what} "${id}"`);
    return row;
  }

  /** Ids of every row, in order (cheaper than list() where only ids matter). */
  ids(name: EntityName): string[] {
    return this.#sql(`SELECT id FROM ${tableOf(name)} ORDER BY id`)
      .pluck()
      .all()
      .map(String);
  }

  create<N extends EntityName>(name: N, input: unknown): EntityView<N> {
    const row = parseInput(specOf(name).schema, input, specOf(name).what);
    this.#write(name, [() => this.#insert(name, row)]);
    return this.get(name, row.id);
  }

  /**
   * Creates many rows in one transaction (bulk loads: one commit instead of one per row). Each row is
   * validated and checked as create() does; the first bad one rolls all of them back.
   */
  createMany<N extends EntityName>(name: N, inputs: readonly unknown[]): void {
    const rows = inputs.map((input) => parseInput(specOf(name).schema, input, specOf(name).what));
    this.#write(
      name,
      rows.map((row) => () => this.#insert(name, row)),
    );
  }

  update<N extends EntityName>(name: N, id: string, patch: unknown): EntityView<N> {
    const what = specOf(name).what;
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
      throw new ValidationError(`invalid ${what}: body must be a JSON object`);
    if ('id' in patch && patch.id !== id)
      throw new ValidationError(`invalid ${what}: id cannot change (delete and create instead)`);
    const current = this.get(name, id);
    const fields = fieldsOf(name);
    const stored = Object.fromEntries(Object.entries(current).filter(([field]) => fields.includes(field)));
    const row = parseInput(specOf(name).schema, { ...stored, ...patch }, what);
    this.#write(name, [
      () => {
        checkEntityRules(this.#statements, name, row);
        const values = { ...toColumns(name, row), ...this.#derive(name, row, false) };
        const sets = Object.keys(values).filter((c) => c !== 'id');
        this.#sql(
          `UPDATE ${tableOf(name)} SET ${sets.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`,
        ).run(values);
        // A panel moving building takes its doors along (a door's building is always its panel's).
        if (name === 'panels')
          this.#sql('UPDATE doors SET building_id = ? WHERE panel_id = ?').run(values['building_id'], id);
        return () => ({ entity: name, id, before: current, after: this.get(name, id), actor: this.#actor });
      },
    ]);
    return this.get(name, id);
  }

  remove(name: EntityName, id: string): void {
    const current = this.get(name, id);
    this.#write(name, [
      () => {
        this.#sql(`DELETE FROM ${tableOf(name)} WHERE id = ?`).run(id);
        return () => ({ entity: name, id, before: current, actor: this.#actor });
      },
    ]);
  }

  #insert<N extends EntityName>(name: N, row: EntityInput<N>): () => EntityChange<N> {
    if (this.#sql(`SELECT 1 FROM ${tableOf(name)} WHERE id = ?`).get(row.id) !== undefined)
      throw new PortvaktError('conflict', `${specOf(name).what} "${row.id}" already exists`);
    checkEntityRules(this.#statements, name, row);
    const values = { ...toColumns(name, row), ...this.#derive(name, row, true) };
    const cols = Object.keys(values);
    this.#sql(
      `INSERT INTO ${tableOf(name)} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`,
    ).run(values);
    return () => ({ entity: name, id: row.id, after: this.get(name, row.id), actor: this.#actor });
  }

  /**
   * Runs `fn`'s writes (create, update, remove, of any tables) as one transaction whose listeners are told
   * once, with every change, at the end: an import of thousands of rows is one commit and one config
   * publish. A `dryRun` does every write and check, then rolls all of it back and tells no listener (what
   * it reports is exactly what an apply would do). Any throw rolls everything back.
   */
  batch<T>(fn: () => T, options: { dryRun?: boolean } = {}): T {
    if (this.#batched) throw new Error('Entities.batch does not nest');
    const changes: EntityChange[] = [];
    const afterCommit: (() => void)[] = [];
    let result: T | undefined;
    try {
      this.#db.transaction(() => {
        this.#batched = changes;
        try {
          result = fn();
        } finally {
          this.#batched = undefined;
        }
        if (options.dryRun) throw new DryRunRollback();
        afterCommit.push(...this.#notify(changes));
      })();
    } catch (err) {
      if (!(err instanceof DryRunRollback)) throw err;
    }
    for (const after of afterCommit) after();
    return result as T;
  }

  /**
   * Runs writes and their listeners in one transaction (or as part of the running `batch`), turning
   * constraint failures into clear conflicts; what the listeners return runs once everything has
   * committed. Each write returns how to describe its change, which is only worked out (a read of the new
   * row) when someone listens.
   */
  #write(name: EntityName, writes: readonly (() => () => EntityChange)[]): void {
    const spec = specOf(name);
    const afterCommit: (() => void)[] = [];
    const batched = this.#batched;
    try {
      this.#transaction(() => {
        const changes: EntityChange[] = [];
        for (const write of writes) {
          const describe = write();
          if (this.#listeners.size > 0) (batched ?? changes).push(describe());
        }
        if (!batched) afterCommit.push(...this.#notify(changes));
      });
    } catch (err) {
      const code = err instanceof Error && 'code' in err ? err.code : undefined;
      // RESTRICT violations surface as SQLITE_CONSTRAINT_TRIGGER with the foreign-key message.
      if (
        code === 'SQLITE_CONSTRAINT_FOREIGNKEY' ||
        (err instanceof Error && /FOREIGN KEY/.test(err.message))
      )
        throw new PortvaktError('conflict', `${spec.what} is still referenced (e.g. a building with panels)`);
      if (code === 'SQLITE_CONSTRAINT_UNIQUE' && spec.unique)
        throw new PortvaktError('conflict', spec.unique);
      throw err;
    }
    for (const after of afterCommit) after();
  }

  /** Tells every listener the changes (inside the transaction); returns what to run after the commit. */
  #notify(changes: readonly EntityChange[]): (() => void)[] {
    if (changes.length === 0) return [];
    const afterCommit: (() => void)[] = [];
    for (const listener of this.#listeners) {
      const after = listener(changes);
      if (after) afterCommit.push(after);
    }
    return afterCommit;
  }

  /** Columns the hub fills in: a door's building (its panel's), a panel's broker username and creation. */
  #derive(name: EntityName, row: Record<string, unknown>, inserting: boolean): Record<string, unknown> {
    if (name === 'doors')
      return {
        building_id: this.#sql('SELECT building_id FROM panels WHERE id = ?').pluck().get(row['panelId']),
      };
    if (name === 'panels' && inserting) return { broker_username: row['id'], created_at: this.#clock.now() };
    return {};
  }

  #view<N extends EntityName>(name: N, row: unknown): EntityView<N> {
    return specOf(name).view.parse(decodeRow(name, row));
  }

  #sql(sql: string): Statement {
    return this.#statements.get(sql);
  }
}
