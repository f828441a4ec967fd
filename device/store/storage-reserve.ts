/**
 * Space held back on the data file system so that the audit log can always record that the disk is
 * full. A plain file of zeros next to the database (written, not sparse, so the blocks are really
 * allocated — tmpfs and ext4 alike); when a write fails for lack of space the audit log deletes it and
 * writes the alarm and the events it holds into the space freed. SQLite in WAL mode appends the next
 * commit's frames to the WAL file, which then can grow into that space (tested on a full tmpfs).
 * Recreated once the disk has room again: until then the panel reports degraded storage.
 */
import { closeSync, fsyncSync, openSync, rmSync, statfsSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';

export const DEFAULT_RESERVE_BYTES = 2 * 1024 * 1024;
const CHUNK = 64 * 1024;
/** Free space left over after recreating the reserve, so that recreating it does not fill the disk itself. */
const HEADROOM_BYTES = 512 * 1024;

export class StorageReserve {
  readonly path: string;
  readonly #bytes: number;
  readonly #log: Logger;

  constructor(path: string, bytes: number, log: Logger) {
    this.path = path;
    this.#bytes = bytes;
    this.#log = log;
  }

  /** Whether the reserve file is in place at its full size. */
  held(): boolean {
    try {
      return statSync(this.path).size >= this.#bytes;
    } catch {
      return false;
    }
  }

  /**
   * Makes sure the reserve is in place; returns false (nothing left behind) when the file system has
   * no room for it. Never throws.
   */
  ensure(): boolean {
    if (this.held()) return true;
    try {
      const fs = statfsSync(dirname(this.path));
      if (fs.bavail * fs.bsize < this.#bytes + HEADROOM_BYTES) return false;
    } catch (err) {
      this.#log.warn({ err: errorMessage(err) }, 'free space of the data folder unknown');
      return false;
    }
    let fd: number | undefined;
    try {
      fd = openSync(this.path, 'w', 0o600);
      const zeros = Buffer.alloc(CHUNK);
      for (let written = 0; written < this.#bytes; written += CHUNK) {
        writeSync(fd, zeros, 0, Math.min(CHUNK, this.#bytes - written));
      }
      fsyncSync(fd);
      closeSync(fd);
      return true;
    } catch (err) {
      if (fd !== undefined) closeSync(fd);
      this.#remove();
      this.#log.warn({ err: errorMessage(err) }, 'storage reserve could not be written');
      return false;
    }
  }

  /** Frees the reserved space; returns whether there was any to free. Never throws. */
  release(): boolean {
    const had = this.held();
    this.#remove();
    if (had) this.#log.warn({ path: this.path }, 'storage reserve released for the audit log');
    return had;
  }

  #remove(): void {
    try {
      rmSync(this.path, { force: true });
    } catch (err) {
      this.#log.error({ err: errorMessage(err) }, 'storage reserve could not be removed');
    }
  }
}
