import { HardwareError } from '../../lib/errors.ts';

/**
 * Which lines of a driver are in use, so a second open of the same line fails at once with a message naming
 * both users instead of two handles silently fighting over one pin.
 */
export class LineClaims {
  readonly #owners = new Map<string, string>();

  /** Claims `key` for `name`; returns the release function. `line` is how the line is shown in errors. */
  claim(key: string, name: string, line: string): () => void {
    const owner = this.#owners.get(key);
    if (owner !== undefined) {
      throw new HardwareError(`cannot open "${name}": GPIO ${line} is already in use by "${owner}"`);
    }
    this.#owners.set(key, name);
    return () => {
      if (this.#owners.get(key) === name) this.#owners.delete(key);
    };
  }
}
