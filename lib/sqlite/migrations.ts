/**
 * Schema migrations as an append-only ordered list. Migration N brings the database to
 * `PRAGMA user_version = N`; each runs in its own transaction together with the version bump, so a crash
 * mid-upgrade leaves the database at the previous version. Never edit a released migration: add one.
 */
import type { Database } from 'better-sqlite3';
import { PortvaktError } from '../errors.ts';
import type { Logger } from '../log/logger.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function latestVersion(list: readonly Migration[]): number {
  return list.at(-1)?.version ?? 0;
}

/** Brings the database to the list's latest version; refuses a database written by a newer portvakt. */
export function migrate(db: Database, logger: Logger, list: readonly Migration[], what = 'database'): number {
  const current = schemaVersion(db);
  const latest = latestVersion(list);
  if (current > latest) {
    throw new PortvaktError(
      'store_too_new',
      `${what} ${db.name} has schema version ${current}, but this portvakt knows only up to ${latest}; ` +
        'upgrade portvakt or restore a database backup made by this version',
    );
  }
  for (const m of list) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      // user_version is written in the database header inside this transaction, so it commits atomically
      // with the schema change.
      db.pragma(`user_version = ${m.version}`);
    })();
    logger.info({ version: m.version, migration: m.name }, `${what} migrated`);
  }
  return Math.max(current, latest);
}
