/**
 * WAL checkpoints off the card-tap path. SQLite's automatic checkpoint runs inside whichever commit
 * crosses the threshold — on a panel, that would be a card tap waiting for the database file's fsync.
 * The store disables it; this class checkpoints once writes have been quiet for `idleMs`, or at once
 * when the WAL has grown past `maxWalFrames` (a write storm must not grow the file without bound).
 */
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';

export interface CheckpointTarget {
  /** Runs `PRAGMA wal_checkpoint(PASSIVE)`; returns the WAL size in frames before the checkpoint. */
  checkpoint(): { walFrames: number; checkpointed: number };
}

export class IdleCheckpointer {
  readonly #target: CheckpointTarget;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #idleMs: number;
  readonly #maxWrites: number;
  #timer: TimerHandle | undefined;
  #writesSince = 0;
  #running = false;

  constructor(options: {
    target: CheckpointTarget;
    clock: Clock;
    logger: Logger;
    idleMs?: number;
    maxWrites?: number;
  }) {
    this.#target = options.target;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#idleMs = options.idleMs ?? 2000;
    this.#maxWrites = options.maxWrites ?? 2000;
  }

  start(): void {
    this.#running = true;
  }

  /** Called after every committed write. */
  noteWrite(): void {
    if (!this.#running) return;
    this.#writesSince++;
    this.#clock.clearTimeout(this.#timer);
    // Past the cap, checkpoint on the next quiet moment of the event loop rather than waiting for idle.
    const delay = this.#writesSince >= this.#maxWrites ? 0 : this.#idleMs;
    this.#timer = this.#clock.setTimeout(() => this.#run(), delay);
  }

  stop(): void {
    this.#running = false;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#writesSince > 0) this.#run();
  }

  #run(): void {
    this.#timer = undefined;
    try {
      const result = this.#target.checkpoint();
      this.#writesSince = 0;
      this.#logger.debug(result, 'WAL checkpointed');
    } catch (err) {
      this.#logger.warn({ err: errorMessage(err) }, 'WAL checkpoint failed; will retry after the next write');
    }
  }
}
