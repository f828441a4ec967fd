/**
 * Opens a SQLite database the way every portvakt store needs it: WAL (readers such as the CLI or a backup
 * never block the writer), `synchronous = FULL` (a committed row — an audit event, an acked event —
 * survives power loss; NORMAL could lose the last commits), foreign keys on, a bounded busy timeout, and
 * the schema brought up to date by the migration runner. A failure closes the handle and says which
 * database could not be opened. The database holds card hashes, residents and the audit log: its folder is
 * 0700 and the file 0600 before SQLite first opens it (SQLite gives -wal and -shm the database file's
 * mode), and files an older version left open to others are tightened (lib/fs/private-files.ts).
 */
import { dirname } from 'node:path';
import DatabaseConstructor, { type Database } from 'better-sqlite3';
import { errorMessage, PortvaktError } from '../errors.ts';
import { createPrivateFile, ensurePrivateDir, restrictFile } from '../fs/private-files.ts';
import type { Logger } from '../log/logger.ts';
import { type Migration, migrate } from './migrations.ts';

export interface OpenSqliteOptions {
  /** Names the database in errors and log lines ("database", "hub database"). */
  what: string;
  migrations: readonly Migration[];
  logger: Logger;
  /** How long a write waits for another connection's lock (a backup, the CLI) before failing. */
  busyTimeoutMs?: number;
  /**
   * Pragmas run first, before the database is touched (e.g. `locking_mode = EXCLUSIVE`, which must come
   * before the first WAL access for SQLite to keep the WAL index in heap memory instead of a -shm file).
   */
  earlyPragmas?: readonly string[];
  /** Extra pragmas, run after the common ones and before migrating (e.g. `wal_autocheckpoint = 0`). */
  pragmas?: readonly string[];
}

export function openSqlite(
  path: string,
  options: OpenSqliteOptions,
): { db: Database; schemaVersion: number } {
  const onDisk = path !== ':memory:' && !path.startsWith('file:');
  let db: Database;
  try {
    if (onDisk) {
      ensurePrivateDir(dirname(path), options.logger);
      for (const suffix of ['-wal', '-shm', '-journal']) restrictFile(`${path}${suffix}`, options.logger);
      if (!restrictFile(path, options.logger)) createPrivateFile(path);
    }
    db = new DatabaseConstructor(path);
  } catch (err) {
    throw new PortvaktError(
      'store_open_failed',
      `cannot open ${options.what} ${path}: ${errorMessage(err)}`,
      {
        cause: err,
      },
    );
  }
  try {
    for (const pragma of options.earlyPragmas ?? []) db.pragma(pragma);
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    for (const pragma of options.pragmas ?? []) db.pragma(pragma);
    // WAL mode has created -wal and -shm by now: with the database's mode, checked all the same.
    if (onDisk) for (const suffix of ['-wal', '-shm']) restrictFile(`${path}${suffix}`, options.logger);
    const schemaVersion = migrate(db, options.logger, options.migrations, options.what);
    return { db, schemaVersion };
  } catch (err) {
    db.close();
    throw err;
  }
}
