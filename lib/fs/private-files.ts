/**
 * Files only the service's own user may read: databases (with their -wal and -shm), keys, provisioned
 * configs with passwords, and the folders that hold them. Modes are set explicitly rather than left to the
 * umask (a umask of 022 makes new files world-readable), and files an older version created too open are
 * tightened at start. A folder is tightened only when it is ours and not a shared one (sticky, like
 * /tmp): a database placed in someone else's folder must not change that folder for everyone.
 */
import { chmodSync, closeSync, mkdirSync, openSync, statSync, writeFileSync } from 'node:fs';
import type { Logger } from '../log/logger.ts';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and missing parents) as 0700, and tightens it to 0700 when it is ours and was open. */
export function ensurePrivateDir(dir: string, logger?: Logger): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const st = statSync(dir);
  if ((st.mode & 0o077) === 0) return;
  const ours = typeof process.getuid !== 'function' || st.uid === process.getuid();
  if (ours && (st.mode & 0o1000) === 0) {
    chmodSync(dir, PRIVATE_DIR_MODE);
    logger?.warn({ dir, mode: octal(st.mode) }, 'data folder was open to other users; restricted to 0700');
  } else {
    logger?.warn(
      { dir, mode: octal(st.mode) },
      'data folder is shared with other users; its files stay 0600',
    );
  }
}

/** Creates `path` empty as 0600 if it does not exist, so whatever opens it next inherits the mode. */
export function createPrivateFile(path: string): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  restrictFile(path);
}

/** Sets an existing file to 0600 when group or others had any right on it; false when it does not exist. */
export function restrictFile(path: string, logger?: Logger): boolean {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return false;
    throw err;
  }
  if ((mode & 0o077) !== 0) {
    chmodSync(path, PRIVATE_FILE_MODE);
    logger?.warn({ path, mode: octal(mode) }, 'file was readable by other users; restricted to 0600');
  }
  return true;
}

/** Writes `data` to `path` as 0600, an existing file included (writeFile's mode applies at creation only). */
export function writePrivateFile(path: string, data: string | Uint8Array): void {
  createPrivateFile(path);
  writeFileSync(path, data, { mode: PRIVATE_FILE_MODE });
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
