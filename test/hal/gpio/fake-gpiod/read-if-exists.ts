import { readFileSync } from 'node:fs';

/**
 * A state file's content, or undefined when it does not exist (now): the fake tools release lines at any
 * moment, and the test side reads the same files.
 */
export function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
