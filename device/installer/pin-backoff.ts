/**
 * The wrong-PIN backoff of installer mode, kept in a small file of the data folder so that restarting
 * the panel (pulling its power) does not give a guesser fresh tries: three free tries, then a wait of
 * 30 s after the third wrong PIN in a row, doubling with each further one up to an hour. A right PIN
 * clears it.
 *
 * An attempt is counted before its PIN is checked and the count is on disk before the check starts, so
 * neither parallel requests nor a crash during a check buy extra guesses. Waits are wall-clock times (they
 * must outlive the process); a wall clock set back cannot stretch one beyond its own length. File writes
 * are asynchronous (replace-by-rename after fsync): the event loop stays free for card taps meanwhile.
 */
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Clock } from '../../lib/clock/clock.ts';
import { PRIVATE_FILE_MODE } from '../../lib/fs/private-files.ts';
import type { Logger } from '../../lib/log/logger.ts';

export const BACKOFF_FILE = 'installer-pin-backoff.json';
export const FREE_TRIES = 3;
export const FIRST_WAIT_MS = 30_000;
export const MAX_WAIT_MS = 3_600_000;

const stateSchema = z.object({
  failures: z.number().int().min(0).max(1_000_000),
  lockedUntil: z.number().int().min(0),
});
type BackoffState = z.output<typeof stateSchema>;

/** The wait that follows the `failures`-th wrong PIN in a row (0 for the free tries). */
export function waitAfter(failures: number): number {
  if (failures < FREE_TRIES) return 0;
  return Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** Math.min(20, failures - FREE_TRIES));
}

export class PinBackoff {
  readonly #path: string;
  readonly #clock: Clock;
  readonly #log: Logger;
  #state: BackoffState = { failures: 0, lockedUntil: 0 };
  #loaded: Promise<void> | undefined;

  constructor(dataDir: string, deps: { clock: Clock; logger: Logger }) {
    this.#path = join(dataDir, BACKOFF_FILE);
    this.#clock = deps.clock;
    this.#log = deps.logger;
  }

  /** Reads the file once; a missing one is a clean slate, an unreadable one counts as used-up free tries. */
  load(): Promise<void> {
    this.#loaded ??= readFile(this.#path, 'utf8').then(
      (text) => {
        const parsed = stateSchema.safeParse(safeJson(text));
        if (parsed.success) this.#state = parsed.data;
        else this.#distrust('installer PIN backoff file is not valid; counting the free tries as used');
      },
      (err: { code?: string }) => {
        if (err.code !== 'ENOENT')
          this.#distrust('installer PIN backoff file unreadable; counting the free tries as used');
      },
    );
    return this.#loaded;
  }

  get failures(): number {
    return this.#state.failures;
  }

  /** How long entries are refused from now (0: a PIN may be tried). */
  retryAfterMs(): number {
    const left = this.#state.lockedUntil - this.#clock.now();
    return Math.max(0, Math.min(left, waitAfter(this.#state.failures)));
  }

  /** The wall time until which entries are refused (the backoff's identity, for auditing it once). */
  get lockedUntil(): number {
    return this.#state.lockedUntil;
  }

  /** Counts an attempt as wrong, on disk, before its PIN is checked. Resolves with the wait it sets. */
  async countAttempt(): Promise<number> {
    await this.load();
    const failures = this.#state.failures + 1;
    const wait = waitAfter(failures);
    await this.#save({ failures, lockedUntil: wait ? this.#clock.now() + wait : 0 });
    return wait;
  }

  /** The right PIN: back to three free tries. */
  async clear(): Promise<void> {
    await this.load();
    if (this.#state.failures === 0 && this.#state.lockedUntil === 0) return;
    await this.#save({ failures: 0, lockedUntil: 0 });
  }

  async #save(state: BackoffState): Promise<void> {
    this.#state = state;
    const tmp = `${this.#path}.tmp`;
    const file = await open(tmp, 'w', PRIVATE_FILE_MODE);
    try {
      await file.writeFile(JSON.stringify(state));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, this.#path);
  }

  #distrust(message: string): void {
    this.#log.warn({ path: this.#path }, message);
    this.#state = { failures: FREE_TRIES, lockedUntil: 0 };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
