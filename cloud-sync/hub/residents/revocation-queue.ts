/**
 * Hands ended sessions' app device ids to the broker (AppDeviceRevoker). The ids come from the
 * `app_device_revocations` outbox, which the database fills in the same transaction that ends a session
 * (however it ended: logout, expiry, password reset, a cascade), and an id leaves it only once the
 * revoker resolved. A failed (or, after `timeoutMs`, unanswered) revocation is logged as an error and
 * retried with exponential backoff, after a restart too: never silently dropped. Passes run one at a
 * time, in order; callers that await one (logout, password reset, login) wait at most `timeoutMs`.
 */
import type { Clock, TimerHandle } from '../../../lib/clock/clock.ts';
import { errorMessage } from '../../../lib/errors.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import type { ResidentSessions } from '../store/resident-sessions.ts';
import type { AppDeviceRevoker } from './app-device-revoker.ts';

export interface RevocationQueueOptions {
  sessions: ResidentSessions;
  revoker: AppDeviceRevoker;
  clock: Clock;
  logger: Logger;
  retry?: { initialMs: number; maxMs: number };
  /** A revoker call not settled by then counts as failed (a hung broker must not hang logins). */
  timeoutMs?: number;
}

/** Ids per revoker call: bounds one call after, say, a building's residents were all removed. */
const BATCH = 100;
const DEFAULT_RETRY = { initialMs: 1000, maxMs: 5 * 60_000 };
const DEFAULT_TIMEOUT_MS = 10_000;

export class RevocationQueue {
  readonly #o: RevocationQueueOptions;
  readonly #logger: Logger;
  readonly #retry: { initialMs: number; maxMs: number };
  #tail: Promise<boolean> = Promise.resolve(true);
  #failures = 0;
  #timer: TimerHandle | undefined;
  #stopped = false;

  constructor(options: RevocationQueueOptions) {
    this.#o = options;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#logger = options.logger.child({ component: 'revocation-queue' });
  }

  /**
   * One pass over everything queued so far. Resolves true once the broker confirmed all of it, false when
   * the revoker failed (then a retry is scheduled); never rejects.
   */
  drain(): Promise<boolean> {
    this.#tail = this.#tail.then(() => this.#pass());
    return this.#tail;
  }

  /** Consecutive failed passes (0: the broker is in step with the hub). */
  get failures(): number {
    return this.#failures;
  }

  stop(): void {
    this.#stopped = true;
    this.#o.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #pass(): Promise<boolean> {
    const { sessions, revoker } = this.#o;
    for (;;) {
      if (this.#stopped) return false;
      const ids = sessions.pendingRevocations(BATCH);
      if (ids.length === 0) {
        this.#failures = 0;
        return true;
      }
      try {
        await this.#withTimeout(revoker.revoke(ids));
      } catch (err) {
        this.#failures++;
        this.#logger.error(
          { appDeviceIds: ids, failures: this.#failures, err: errorMessage(err) },
          'broker did not confirm revoking app devices; retrying',
        );
        this.#scheduleRetry();
        return false;
      }
      sessions.revocationsDone(ids);
      this.#logger.info({ appDeviceIds: ids }, 'app devices revoked at the broker');
    }
  }

  #withTimeout(revoking: Promise<void>): Promise<void> {
    const { clock } = this.#o;
    const ms = this.#o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let timer: TimerHandle | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = clock.setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    });
    return Promise.race([revoking, timeout]).finally(() => clock.clearTimeout(timer));
  }

  #scheduleRetry(): void {
    if (this.#stopped || this.#timer) return;
    const delay = Math.min(this.#retry.maxMs, this.#retry.initialMs * 2 ** (this.#failures - 1));
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = undefined;
      void this.drain();
    }, delay);
  }
}
