/**
 * Which errors mean "the storage cannot take this write now" (a full or failing disk, a read-only
 * remount, a lock held too long) as opposed to a bug or bad data. On these the panel keeps its doors
 * working and holds audit events in memory (audit-log.ts); on anything else it fails as before.
 */

/** SQLite's primary result codes (and their extended codes) that a storage fault produces. */
const SQLITE_STORAGE_CODE =
  /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY|LOCKED|NOMEM|PROTOCOL|CORRUPT|NOTADB)(_|$)/;
/** The same faults as Node's file system reports them (the reserve file). */
const ERRNO_STORAGE_CODE = /^(ENOSPC|EDQUOT|EIO|EROFS|EFBIG)$/;

/** The storage fault's code found on `err` or any error in its `cause` chain, else undefined. */
export function storageFaultCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (SQLITE_STORAGE_CODE.test(code) || ERRNO_STORAGE_CODE.test(code))) {
      return code;
    }
    current = current.cause;
  }
  return undefined;
}

export function isStorageFault(err: unknown): boolean {
  return storageFaultCode(err) !== undefined;
}
