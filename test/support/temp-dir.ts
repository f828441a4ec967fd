/** Scratch directories for tests; the lab run's TMPDIR is removed when the run ends. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(prefix = 'portvakt-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
