/**
 * The hot path: a card seen by a reader → access decision → audit rows (one commit) → relay pulse.
 * Everything here is synchronous from the driver's `card` event to `relay.setEnergized`, so a tap opens
 * the door in the same tick regardless of what else the event loop is doing.
 */

import type { CardPresented } from '../../hal/reader/types.ts';
import { PortvaktError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AccessDecider } from '../access/decide.ts';
import type { AccessDecision } from '../access/types.ts';
import type { AuditLog } from '../audit/types.ts';
import type { EventBus } from '../bus/event-bus.ts';
import type { ReaderConfig } from '../config/schema.ts';
import type { Doors } from '../door/doors.ts';

export class CardTaps {
  readonly #readers: readonly ReaderConfig[];
  readonly #decider: AccessDecider;
  readonly #audit: AuditLog;
  readonly #doors: Doors;
  readonly #bus: EventBus;
  readonly #log: Logger;
  readonly #readerIdByName = new Map<string, string | null>();

  constructor(deps: {
    readers: readonly ReaderConfig[];
    decider: AccessDecider;
    audit: AuditLog;
    doors: Doors;
    bus: EventBus;
    logger: Logger;
  }) {
    this.#readers = deps.readers;
    this.#decider = deps.decider;
    this.#audit = deps.audit;
    this.#doors = deps.doors;
    this.#bus = deps.bus;
    this.#log = deps.logger;
  }

  /** Maps a physical reader name to the configured reader whose `name` is a prefix of it. */
  readerIdFor(physicalName: string): string | undefined {
    let id = this.#readerIdByName.get(physicalName);
    if (id === undefined) {
      id = this.#readers.find((r) => physicalName.startsWith(r.name))?.id ?? null;
      this.#readerIdByName.set(physicalName, id);
    }
    return id ?? undefined;
  }

  /** Calls `listener` with each decision made for cards on `readerId`. Returns the unsubscribe function. */
  onDecision(readerId: string, listener: (decision: AccessDecision) => void): () => void {
    return this.#bus.on('access.decided', (d) => {
      if (d.readerId === readerId) listener(d);
    });
  }

  /**
   * Writes one granted door's `door.unlocked` inside the tap's transaction. A door that cannot be opened
   * (stopped, say) is logged and skipped; a failed write aborts the whole transaction.
   */
  #prepareUnlock(doorId: string, eventSeq: number): { doorId: string; drive: () => unknown }[] {
    const door = this.#doors.get(doorId);
    if (!door) return [];
    try {
      return [{ doorId, drive: door.prepareUnlock({ kind: 'access', eventSeq }).drive }];
    } catch (err) {
      if (err instanceof PortvaktError && err.code === 'audit_failed') throw err;
      this.#log.error({ err, doorId }, 'granted door could not be unlocked');
      return [];
    }
  }

  handleCard(card: CardPresented): AccessDecision | undefined {
    const readerId = this.readerIdFor(card.reader);
    if (!readerId) {
      this.#log.warn({ reader: card.reader }, 'card on a reader that no configured reader matches; ignored');
      return undefined;
    }
    const decision = this.#decider.decide(readerId, card.uid);
    if (decision.reason === 'rate_limited') {
      this.#log.debug({ readerId, uidHash: decision.uidHash }, 'repeated tap ignored');
      this.#bus.emit('access.decided', decision);
      return decision;
    }
    // The decision and each door's `door.unlocked` commit together — one fsync on the tap's path — and
    // only then do the relays move. If that commit fails, nothing is written and nothing opens.
    const drives = this.#audit.transaction(() => {
      const event = this.#audit.append({
        type: decision.granted ? 'access.granted' : 'access.denied',
        readerId,
        data: {
          reason: decision.reason,
          doorIds: decision.doorIds,
          uidHash: decision.uidHash,
          cardId: decision.cardId,
          residentId: decision.residentId,
        },
      });
      if (!decision.granted) return [];
      return decision.doorIds.flatMap((doorId) => this.#prepareUnlock(doorId, event.seq));
    });
    for (const { doorId, drive } of drives) {
      try {
        drive();
      } catch (err) {
        this.#log.error({ err, doorId }, 'granted door could not be unlocked');
      }
    }
    this.#log.info(
      { readerId, granted: decision.granted, reason: decision.reason, uidHash: decision.uidHash },
      'card decided',
    );
    this.#bus.emit('access.decided', decision);
    return decision;
  }
}
