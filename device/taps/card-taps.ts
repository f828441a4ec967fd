/**
 * The hot path: a card seen by a reader → access decision → audit rows (one commit) → relay pulse.
 * Everything here is synchronous from the driver's `card` event to `relay.setEnergized`, so a tap opens
 * the door in the same tick regardless of what else the event loop is doing. A grant opens through
 * DoorOpener like every other cause: the decision and each door's `door.unlocked` commit together, and
 * only then do the relays move; if that commit fails it throws, nothing is written and nothing opens.
 */

import type { CardPresented } from '../../hal/reader/types.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AccessDecider } from '../access/decide.ts';
import type { AccessDecision } from '../access/types.ts';
import type { AuditLog } from '../audit/types.ts';
import type { EventBus } from '../bus/event-bus.ts';
import type { ReaderConfig } from '../config/schema.ts';
import type { DoorOpener } from '../door/door-opener.ts';
import type { CardEnrolment } from './card-enrolment.ts';

export interface CardTapsOptions {
  readers: readonly ReaderConfig[];
  decider: AccessDecider;
  audit: AuditLog;
  opener: DoorOpener;
  bus: EventBus;
  logger: Logger;
  /** Card enrolment armed by the cloud: a card it takes is not decided. */
  enrolment?: CardEnrolment | undefined;
}

export class CardTaps {
  readonly #o: CardTapsOptions;
  readonly #readerIdByName = new Map<string, string | null>();

  constructor(options: CardTapsOptions) {
    this.#o = options;
  }

  /** Maps a physical reader name to the configured reader whose `name` is a prefix of it. */
  readerIdFor(physicalName: string): string | undefined {
    let id = this.#readerIdByName.get(physicalName);
    if (id === undefined) {
      id = this.#o.readers.find((r) => physicalName.startsWith(r.name))?.id ?? null;
      this.#readerIdByName.set(physicalName, id);
    }
    return id ?? undefined;
  }

  /** Calls `listener` with each decision made for cards on `readerId`. Returns the unsubscribe function. */
  onDecision(readerId: string, listener: (decision: AccessDecision) => void): () => void {
    return this.#o.bus.on('access.decided', (d) => {
      if (d.readerId === readerId) listener(d);
    });
  }

  handleCard(card: CardPresented): AccessDecision | undefined {
    const { decider, audit, opener, bus, logger } = this.#o;
    const readerId = this.readerIdFor(card.reader);
    if (!readerId) {
      logger.warn({ reader: card.reader }, 'card on a reader that no configured reader matches; ignored');
      return undefined;
    }
    if (this.#o.enrolment?.take(readerId, card.uid)) {
      logger.info({ readerId }, 'card taken for enrolment; nothing opened');
      return undefined;
    }
    const decision = decider.decide(readerId, card.uid, card.secure);
    if (decision.reason === 'rate_limited') {
      logger.debug({ readerId, uidHash: decision.uidHash }, 'repeated tap ignored');
      bus.emit('access.decided', decision);
      return decision;
    }
    const data = {
      reason: decision.reason,
      doorIds: decision.doorIds,
      uidHash: decision.uidHash,
      cardId: decision.cardId,
      residentId: decision.residentId,
    };
    if (decision.granted) opener.openFor({ type: 'access.granted', readerId, data }, decision.doorIds);
    else audit.append({ type: 'access.denied', readerId, data });
    logger.info(
      { readerId, granted: decision.granted, reason: decision.reason, uidHash: decision.uidHash },
      'card decided',
    );
    bus.emit('access.decided', decision);
    return decision;
  }
}
