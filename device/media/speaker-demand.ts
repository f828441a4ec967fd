/**
 * Runs the speaker pipeline only while something may need it: from the ring (the first peer's offer, a
 * phone leg, the installer's tone) until a while after the last of them is gone. An idle panel then
 * holds no speaker pipeline (~12 MB), and a call's speaker has started long before the resident answers
 * and speaks: its start takes a few hundred ms, a ring-to-answer takes seconds.
 */
import type { Speaker } from '../../hal/camera/types.ts';
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';

/** How long the speaker stays up after its last user has gone: back-to-back rings reuse it. */
export const SPEAKER_LINGER_MS = 30_000;

export class SpeakerDemand {
  readonly #speaker: Speaker;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #lingerMs: number;
  readonly #users = new Set<string>();
  #stopTimer: TimerHandle | undefined;
  /** Starts and stops run one after another. */
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(speaker: Speaker, clock: Clock, logger: Logger, lingerMs = SPEAKER_LINGER_MS) {
    this.#speaker = speaker;
    this.#clock = clock;
    this.#logger = logger;
    this.#lingerMs = lingerMs;
  }

  /**
   * `user` needs the speaker; resolves once it runs. A speaker that will not start is logged and the
   * call goes on without sound at the door, as when the pipeline fails mid-call.
   */
  acquire(user: string): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#users.add(user);
    this.#clock.clearTimeout(this.#stopTimer);
    this.#stopTimer = undefined;
    return this.#run(async () => {
      if (this.#closed || this.#speaker.running || !this.#users.size) return;
      await this.#speaker.start();
    });
  }

  /** `user` is done; the last one leaving stops the speaker after the linger. Unknown users are ignored. */
  release(user: string): void {
    if (!this.#users.delete(user) || this.#users.size || this.#closed) return;
    this.#clock.clearTimeout(this.#stopTimer);
    this.#stopTimer = this.#clock.setTimeout(() => {
      this.#stopTimer = undefined;
      void this.#run(async () => {
        if (!this.#users.size && this.#speaker.running) await this.#speaker.stop();
      });
    }, this.#lingerMs);
  }

  /**
   * Forgets every user and waits for a start or stop under way; stops nothing itself (the engine stops
   * the speaker at its teardown). Reopened by the engine's next start.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#users.clear();
    this.#clock.clearTimeout(this.#stopTimer);
    this.#stopTimer = undefined;
    await this.#queue;
  }

  open(): void {
    this.#closed = false;
  }

  #run(step: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(step).catch((err: unknown) => {
      this.#logger.error({ err: errorMessage(err) }, 'the speaker pipeline did not start or stop');
    });
    this.#queue = next;
    return next;
  }
}
