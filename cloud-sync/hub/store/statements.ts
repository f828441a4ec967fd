/**
 * Prepared statements kept by their SQL text, for queries a store class runs again and again (compiling
 * every panel after each admin change, bulk loads): preparing costs about as much as a small query. Only for
 * fixed SQL — text built from request data would grow the cache without bound. A statement's `pluck()` mode
 * sticks to it, so one SQL text is always run the same way.
 */
import type { Database, Statement } from 'better-sqlite3';

export class Statements {
  readonly #db: Database;
  readonly #cache = new Map<string, Statement>();

  constructor(db: Database) {
    this.#db = db;
  }

  get(sql: string): Statement {
    let statement = this.#cache.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#cache.set(sql, statement);
    }
    return statement;
  }
}
