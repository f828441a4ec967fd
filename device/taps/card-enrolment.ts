/**
 * Card enrolment at the door: a signed cloud command (`card.enrol`) arms the readers of one door, and the
 * next card on one of them is taken for enrolment instead of being decided — it opens nothing — and its
 * UID goes back to the hub as the command's result, where an administrator allocates the card. The tap
 * is audited with the UID's keyed hash only (`card.enrolled`), like every other tap.
 *
 * One enrolment per door at a time (a second command for the same door is refused, not queued); it ends at
 * the first card, at its deadline (on the panel's Clock), or when the panel stops.
 */
import type { EnrolResult } from '../../cloud-sync/agent/ports.ts';
import { UNKNOWN_DOOR } from '../../cloud-sync/agent/ports.ts';
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import type { UidHash } from '../access/uid-hash.ts';
import type { AuditLog } from '../audit/types.ts';
import type { ReaderConfig } from '../config/schema.ts';

interface Armed {
  doorId: string;
  readerIds: ReadonlySet<string>;
  timer: TimerHandle;
  resolve: (result: EnrolResult) => void;
}

export interface CardEnrolmentOptions {
  readers: readonly ReaderConfig[];
  clock: Clock;
  audit: AuditLog;
  uidHash: UidHash;
}

export class CardEnrolment {
  readonly #o: CardEnrolmentOptions;
  readonly #armed = new Map<string, Armed>();

  constructor(options: CardEnrolmentOptions) {
    this.#o = options;
  }

  /** Resolves with the next card's UID on a reader of the door, or why there is none by `untilMs`. */
  arm(doorId: string, untilMs: number): Promise<EnrolResult> {
    const readerIds = new Set(this.#o.readers.filter((r) => r.doors.includes(doorId)).map((r) => r.id));
    if (readerIds.size === 0) return Promise.resolve({ ok: false, reason: UNKNOWN_DOOR });
    if (this.#armed.has(doorId))
      return Promise.resolve({ ok: false, reason: 'an enrolment is already waiting at this door' });
    return new Promise((resolve) => {
      const waitMs = Math.max(0, untilMs - this.#o.clock.now());
      const timer = this.#o.clock.setTimeout(() => {
        this.#armed.delete(doorId);
        resolve({ ok: false, reason: `no card was tapped within ${Math.round(waitMs / 1000)} s` });
      }, waitMs);
      this.#armed.set(doorId, { doorId, readerIds, timer, resolve });
    });
  }

  /**
   * Before a tap is decided: true when the card was taken for enrolment (the caller then decides nothing
   * and opens nothing).
   */
  take(readerId: string, uid: string): boolean {
    for (const armed of this.#armed.values()) {
      if (!armed.readerIds.has(readerId)) continue;
      this.#armed.delete(armed.doorId);
      this.#o.clock.clearTimeout(armed.timer);
      try {
        this.#o.audit.append({
          type: 'card.enrolled',
          readerId,
          doorId: armed.doorId,
          data: { uidHash: this.#o.uidHash(uid) },
        });
      } finally {
        // The UID goes back even if the record failed (a full disk): enrolment moves no relay.
        armed.resolve({ ok: true, uid });
      }
      return true;
    }
    return false;
  }

  /** The panel stops: waiting enrolments end without a card. */
  stop(): void {
    for (const armed of this.#armed.values()) {
      this.#o.clock.clearTimeout(armed.timer);
      armed.resolve({ ok: false, reason: 'the panel stopped' });
    }
    this.#armed.clear();
  }
}
