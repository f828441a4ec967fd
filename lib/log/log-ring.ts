/**
 * The last log lines of a process, kept in memory for an installer to export from the panel's screen.
 * It sits behind the logger as its destination's tee, so it holds the lines exactly as written: after the
 * logger's redaction (secrets and card UIDs censored by key, logger.ts). Bounded by lines and by bytes,
 * so a burst of long lines cannot grow it.
 */
export const DEFAULT_RING_LINES = 2000;
export const DEFAULT_RING_BYTES = 1024 * 1024;

export class LogRing {
  readonly #maxLines: number;
  readonly #maxBytes: number;
  #lines: string[] = [];
  #bytes = 0;

  constructor(options: { maxLines?: number; maxBytes?: number } = {}) {
    this.#maxLines = options.maxLines ?? DEFAULT_RING_LINES;
    this.#maxBytes = options.maxBytes ?? DEFAULT_RING_BYTES;
  }

  /** Adds what the logger wrote (one or more newline-terminated lines). */
  push(chunk: string): void {
    for (const line of chunk.split('\n')) {
      if (line === '') continue;
      // A line longer than the whole ring is cut, not allowed to empty it.
      const kept = line.length > this.#maxBytes / 4 ? `${line.slice(0, this.#maxBytes / 4)}…` : line;
      this.#lines.push(kept);
      this.#bytes += kept.length;
    }
    let drop = 0;
    while (this.#lines.length - drop > this.#maxLines || this.#bytes > this.#maxBytes) {
      this.#bytes -= this.#lines[drop]!.length;
      drop++;
    }
    if (drop > 0) this.#lines = this.#lines.slice(drop);
  }

  /** The newest `n` lines (all when n is larger), oldest first. */
  last(n: number): string[] {
    return this.#lines.slice(Math.max(0, this.#lines.length - n));
  }

  get size(): number {
    return this.#lines.length;
  }

  /** A destination for the logger: every write goes to `out` and into the ring. */
  tee(out: { write(chunk: string): unknown }): { write(chunk: string): boolean } {
    return {
      write: (chunk: string) => {
        this.push(chunk);
        out.write(chunk);
        return true;
      },
    };
  }
}
