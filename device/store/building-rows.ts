/**
 * Prepared statements for the building tables, built once per list from the store mapping
 * (entity-tables.ts) and shared by the whole-snapshot replace and the per-row upserts. Upserts are
 * `ON CONFLICT DO UPDATE`, never `INSERT OR REPLACE`: REPLACE deletes the old row first, which would
 * cascade away a door's relay or a resident's cards.
 */
import type { Database, Statement } from 'better-sqlite3';
import { type EntityName, type EntityRow, perEntity } from '../../cloud-sync/protocol/entities.ts';
import { ENTITY_TABLES } from './entity-tables.ts';

/** A row of any list, and an item of one of its fields, as the statements read them. */
type Item = Readonly<Record<string, unknown>>;
type Row = { readonly id: string } & Item;

/** The store mapping of any list, as the statements read it (entity-tables.ts types it per list). */
interface TableLayout {
  readonly table: string;
  readonly fields: Readonly<Record<string, string | ItemLayout>>;
}
interface ItemLayout {
  readonly table: string;
  readonly ownerColumn: string;
  readonly columns: Readonly<Record<string, string>>;
}

// SQLite has no booleans: flags are stored as 0/1.
const sqlValue = (value: unknown): unknown => (typeof value === 'boolean' ? (value ? 1 : 0) : value);

/** The items one field of a row holds, in their own table: replaced whole with the row. */
class ItemRows {
  readonly field: string;
  readonly #fields: string[];
  readonly #clearOwner: Statement<[string]>;
  readonly #clearAll: Statement<[]>;
  readonly #insert: Statement<unknown[]>;

  constructor(db: Database, field: string, layout: ItemLayout) {
    this.field = field;
    this.#fields = Object.keys(layout.columns);
    const columns = [layout.ownerColumn, ...Object.values(layout.columns)];
    this.#clearOwner = db.prepare(`DELETE FROM ${layout.table} WHERE ${layout.ownerColumn} = ?`);
    this.#clearAll = db.prepare(`DELETE FROM ${layout.table}`);
    // Every column is part of the item table's key: an item listed twice is a harmless duplicate.
    this.#insert = db.prepare(
      `INSERT OR IGNORE INTO ${layout.table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    );
  }

  replace(ownerId: string, items: readonly Item[]): void {
    this.#clearOwner.run(ownerId);
    for (const item of items) this.#insert.run([ownerId, ...this.#fields.map((f) => sqlValue(item[f]))]);
  }

  clear(): void {
    this.#clearAll.run();
  }
}

/** One list's statements. */
class TableRows {
  readonly #fields: string[] = [];
  readonly #items: ItemRows[] = [];
  readonly #upsert: Statement<unknown[]>;
  readonly #delete: Statement<[string]>;
  readonly #clear: Statement<[]>;

  constructor(db: Database, layout: TableLayout) {
    const columns: string[] = [];
    for (const [field, place] of Object.entries(layout.fields)) {
      if (typeof place === 'string') {
        this.#fields.push(field);
        columns.push(place);
      } else this.#items.push(new ItemRows(db, field, place));
    }
    // Every list is keyed by its rows' id (entities.ts), which the mapping's types make a column.
    const key = layout.fields['id'];
    if (typeof key !== 'string') throw new Error(`${layout.table}: the id field must be a column`);
    const updates = columns.filter((c) => c !== key).map((c) => `${c} = excluded.${c}`);
    this.#upsert = db.prepare(
      `INSERT INTO ${layout.table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
       ON CONFLICT (${key}) DO UPDATE SET ${updates.join(', ')}`,
    );
    this.#delete = db.prepare(`DELETE FROM ${layout.table} WHERE ${key} = ?`);
    this.#clear = db.prepare(`DELETE FROM ${layout.table}`);
  }

  write(row: Row): void {
    this.#upsert.run(this.#fields.map((f) => sqlValue(row[f])));
    // The mapping's types make an item field an array of items (entity-tables.ts).
    for (const items of this.#items) items.replace(row.id, row[items.field] as readonly Item[]);
  }

  delete(id: string): boolean {
    return this.#delete.run(id).changes > 0;
  }

  /** Items first, so the delete does not depend on a cascade. */
  clear(): void {
    for (const items of this.#items) items.clear();
    this.#clear.run();
  }
}

export class BuildingRows {
  readonly #lists: Record<EntityName, TableRows>;

  constructor(db: Database) {
    this.#lists = perEntity((list) => new TableRows(db, ENTITY_TABLES[list]));
  }

  /** Inserts or updates one row, replacing its items (a profile's intervals); call inside a transaction. */
  write<K extends EntityName>(list: K, row: EntityRow<K>): void {
    this.#lists[list].write(row);
  }

  /** Deletes one row (and, by cascade, what hangs off it); false if there was none. */
  delete(list: EntityName, id: string): boolean {
    return this.#lists[list].delete(id);
  }

  /** Deletes every row of `list`; call inside a transaction. */
  clear(list: EntityName): void {
    this.#lists[list].clear();
  }
}
