/**
 * Counts the commits in a SQLite WAL file: each commit ends with one frame whose "database size after
 * commit" field is non-zero, and with synchronous=FULL each is one fsync. Only frames whose salts match
 * the WAL header count (frames left from before a WAL restart are stale). The store never checkpoints on
 * its own (wal_autocheckpoint = 0), so between `truncateWal` and a read the file holds every commit made.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Database } from 'better-sqlite3';

const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;

export function walCommits(dbPath: string): number {
  const walPath = `${dbPath}-wal`;
  if (!existsSync(walPath)) return 0;
  const wal = readFileSync(walPath);
  if (wal.length < WAL_HEADER_BYTES) return 0;
  const pageSize = wal.readUInt32BE(8);
  const salt1 = wal.readUInt32BE(16);
  const salt2 = wal.readUInt32BE(20);
  let commits = 0;
  for (let at = WAL_HEADER_BYTES; at + FRAME_HEADER_BYTES + pageSize <= wal.length; ) {
    const current = wal.readUInt32BE(at + 8) === salt1 && wal.readUInt32BE(at + 12) === salt2;
    if (current && wal.readUInt32BE(at + 4) !== 0) commits++;
    at += FRAME_HEADER_BYTES + pageSize;
  }
  return commits;
}

/** Checkpoints everything and empties the WAL, through another connection; throws if a reader blocked it. */
export function truncateWal(other: Database): void {
  const result = other.prepare<[], { busy: number }>('PRAGMA wal_checkpoint(TRUNCATE)').get();
  if (result?.busy !== 0) throw new Error('WAL checkpoint was blocked by an open read transaction');
}
