/**
 * Replaces a file durably: a temporary file (0600 unless told), fsync, rename, fsync of the folder. A power cut
 * leaves the old content or the new, never a torn file: state the next boot decides on (an update's
 * pending record) must never be half written.
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { PRIVATE_FILE_MODE } from './private-files.ts';

export function writeFileAtomic(path: string, text: string, mode: number = PRIVATE_FILE_MODE): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
