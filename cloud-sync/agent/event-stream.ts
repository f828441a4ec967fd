/**
 * Ships the outbox to the cloud as an in-order stream of batches. Each batch names the seq of the last
 * event sent before it (`afterSeq`), so the hub can tell a missed batch from a skipped (overflowed) seq.
 * Rows leave the outbox only when the hub acks them; after a reconnect the stream restarts from the acked
 * seq, so nothing is lost, at the cost of resending what was in flight (the hub stores by id).
 *
 * Backlog is paced by a token bucket so a panel back from a long outage does not swamp the broker; new
 * events jump the queue as single `live` copies, so alarms reach the cloud at once.
 *
 * Nothing can stall the stream for good. Batches are bounded in bytes as well as in events (event-batch.ts).
 * When the hub refuses a batch it says so in the ack (`rejected`): a range is split (halved, one batch in
 * flight, until the hub has passed it); one event the hub names alone, or one no message can carry, is
 * skipped, and a `sync.event_skipped` event (through the outbox: itself uploaded) records its seq and why.
 * The hub then stores the events after it: the only gaps in its copy are recorded skips and overflows.
 */
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { TokenBucket } from '../../lib/token-bucket.ts';
import {
  EVENTS_MESSAGE_MAX_BYTES,
  type EventsMessage,
  type EventsRejection,
  eventsAckMessage,
} from '../protocol/messages.ts';
import { PROTOCOL_VERSION } from '../protocol/topics.ts';
import { envelopeBytes, eventBytes, nextBatch } from './event-batch.ts';
import type { Link } from './link.ts';
import { parseMessage } from './parse.ts';
import type { Outbox, OutboxEvent, ProtocolErrorSink } from './ports.ts';

export const MAX_BATCH = 200;
/**
 * Bytes of one batch's serialized message: the protocol's maximum (a quarter of the hub's 1 MiB inbox
 * limit), so that no batch the panel sends can be refused for its size.
 */
export const MAX_BATCH_BYTES = EVENTS_MESSAGE_MAX_BYTES;
export const DEFAULT_WINDOW = 4;
/** Without ack progress for this long the stream rewinds to the acked seq (the hub lost a batch). */
export const ACK_TIMEOUT_MS = 30_000;

export interface EventStreamDeps {
  outbox: Outbox;
  link: Link;
  clock: Clock;
  logger: Logger;
  onProtocolError: ProtocolErrorSink;
  backlogEventsPerS: number;
  window?: number;
  /** Byte budget of a batch (MAX_BATCH_BYTES); tests set others to make the hub refuse batches. */
  maxBatchBytes?: number;
}

/** A batch sent and not yet acked. */
interface InFlight {
  first: number;
  last: number;
  count: number;
  bytes: number;
}

/** The least byte budget a too_large refusal can teach (one larger event still goes alone). */
export const MIN_BATCH_BYTES = 16 * 1024;

/** After a refused range: at most `count` events per batch, one batch in flight, until `until` is acked. */
interface Split {
  count: number;
  until: number;
}

export class EventStream {
  readonly #d: EventStreamDeps;
  readonly #bucket: TokenBucket;
  readonly #window: number;
  /** The byte budget; lowered for good when the hub refuses a batch as too large (its limit is lower). */
  #maxBytes: number;
  #up = false;
  /** Seq of the last event sent on this connection (the next batch's afterSeq). */
  #lastSent = 0;
  /** Seq of the last event looked at: the last sent, or a skipped one after it. */
  #cursor = 0;
  /** Batches sent and not yet acked, oldest first. */
  #inflight: InFlight[] = [];
  #split: Split | undefined;
  /** Seqs skipped (and noted) and not yet passed by an ack, so a resend skips them again, unnoted. */
  readonly #skipped = new Set<number>();
  #pumping = false;
  #paceTimer: TimerHandle | undefined;
  #ackTimer: TimerHandle | undefined;
  /** Set when a repeated hub position made us resend; cleared once an ack makes progress. */
  #resentOnRepeat = false;

  constructor(deps: EventStreamDeps) {
    this.#d = deps;
    this.#window = deps.window ?? DEFAULT_WINDOW;
    this.#maxBytes = deps.maxBatchBytes ?? MAX_BATCH_BYTES;
    this.#bucket = new TokenBucket(deps.backlogEventsPerS, () => deps.clock.monotonic());
  }

  onUp(): void {
    this.#up = true;
    this.#resentOnRepeat = false;
    this.#rewind();
  }

  onDown(): void {
    this.#up = false;
    this.#inflight = [];
    this.#clearTimers();
  }

  /** A new event: the stream takes it if it is caught up, otherwise a live copy goes ahead. */
  onAppend(event: OutboxEvent): void {
    if (!this.#up) return;
    this.#pump();
    if (this.#cursor >= event.seq) return;
    // A live copy over the budget is left to the in-order stream, which deals with size.
    if (envelopeBytes(this.#lastSent, true) + eventBytes(event) > this.#maxBytes) return;
    const msg: EventsMessage = {
      protocol: PROTOCOL_VERSION,
      afterSeq: this.#lastSent,
      live: true,
      events: [event],
    };
    this.#send(msg);
  }

  handleAck(payload: Uint8Array): void {
    const msg = parseMessage(eventsAckMessage, payload);
    if (!msg.ok) {
      this.#d.onProtocolError({ leaf: 'events/ack', reason: msg.reason });
      return;
    }
    // The hub can only have what was sent; a larger ack (a bug, or an old session's) must not drop rows.
    const upTo = Math.min(msg.value.upToSeq, this.#lastSent);
    const acked = this.#d.outbox.ackedSeq();
    if (upTo > acked) this.#acked(upTo);
    const { rejected } = msg.value;
    if (rejected) {
      this.#inflight = this.#inflight.filter((b) => b.last > upTo);
      this.#onRejected(rejected);
      return;
    }
    if (upTo <= acked && this.#inflight.length > 0 && !this.#resentOnRepeat) {
      // The hub repeats its position while batches are in flight: it missed one (published while it was
      // not subscribed, say) and stores nothing after the gap. Resend now instead of at the ack timeout;
      // the acks of the other batches of that window repeat the position too and are let pass.
      this.#resentOnRepeat = true;
      this.#d.logger.info({ position: msg.value.upToSeq, ackedSeq: acked }, 'hub missed a batch; resending');
      this.#rewind();
      return;
    }
    const before = this.#inflight.length;
    this.#inflight = this.#inflight.filter((b) => b.last > upTo);
    if (this.#inflight.length < before) this.#armAckTimer(true);
    this.#pump();
  }

  /** Seq of the last event sent in order on this connection (for the state message and tests). */
  lastSentSeq(): number {
    return this.#lastSent;
  }

  #acked(upTo: number): void {
    this.#d.outbox.ack(upTo);
    this.#resentOnRepeat = false;
    for (const seq of this.#skipped) if (seq <= upTo) this.#skipped.delete(seq);
    if (this.#split && upTo >= this.#split.until) this.#split = undefined;
  }

  /**
   * The hub refused what follows its position. Only an answer about the oldest batch in flight counts
   * (others are stale: a resend already replaced that batch).
   */
  #onRejected(rejected: EventsRejection): void {
    const oldest = this.#inflight[0];
    const { fromSeq, toSeq, reason } = rejected;
    if (!oldest || fromSeq <= this.#d.outbox.ackedSeq() || fromSeq > oldest.last) {
      this.#d.logger.debug({ rejected }, 'stale events rejection ignored');
      return;
    }
    let skip: OutboxEvent | undefined;
    if (toSeq === fromSeq) {
      // The hub read this event and refuses it alone: no resend can change that.
      skip = this.#d.outbox.pending(fromSeq - 1, 1).find((e) => e.seq === fromSeq);
    } else if (oldest.count > 1) {
      const until = Math.max(oldest.last, this.#split?.until ?? 0);
      if (reason === 'too_large')
        this.#maxBytes = Math.min(this.#maxBytes, Math.max(MIN_BATCH_BYTES, Math.floor(oldest.bytes / 2)));
      this.#split = { count: Math.max(1, Math.floor(oldest.count / 2)), until };
      this.#d.logger.warn(
        { rejected, split: this.#split, maxBatchBytes: this.#maxBytes },
        'hub refused a batch; splitting it',
      );
    } else {
      // One event, refused without being read: nothing proves that one is at fault, so it is not
      // skipped; the ack timeout resends it (the hub answers, so this cannot spin).
      this.#d.logger.error({ rejected }, 'hub refused an event it could not read; retrying later');
      return;
    }
    // The batches sent after the refused one come back as repeats of the position: expected, let pass.
    this.#resentOnRepeat = true;
    // Back to the acked seq before the note is appended, so that its announcement finds the stream
    // already resending from there.
    this.#reset();
    if (skip) this.#skip(skip, reason, rejected.detail ?? '');
    this.#pump();
  }

  /** Records once that `event` is given up on, and leaves it out of every batch from now on. */
  #skip(event: OutboxEvent, reason: EventsRejection['reason'], detail: string): void {
    if (this.#skipped.has(event.seq)) return;
    this.#skipped.add(event.seq);
    this.#d.logger.warn({ seq: event.seq, type: event.type, reason, detail }, 'event skipped by the upload');
    this.#d.outbox.noteSkipped({ seq: event.seq, eventType: event.type, reason, detail });
  }

  #rewind(): void {
    this.#reset();
    this.#pump();
  }

  /** Forgets what is in flight: the next batch goes after the acked seq. */
  #reset(): void {
    this.#inflight = [];
    this.#clearTimers();
    this.#lastSent = this.#d.outbox.ackedSeq();
    this.#cursor = this.#lastSent;
  }

  #pump(): void {
    // Noting a skip appends an event, whose announcement must not re-enter this loop.
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      this.#pumpBatches();
    } finally {
      this.#pumping = false;
    }
  }

  #pumpBatches(): void {
    const window = this.#split ? 1 : this.#window;
    while (this.#up && this.#inflight.length < window && !this.#paceTimer) {
      const maxEvents = Math.min(this.#split?.count ?? MAX_BATCH, MAX_BATCH, this.#bucket.capacity);
      const batch = nextBatch(
        this.#d.outbox,
        this.#lastSent,
        this.#cursor,
        { maxEvents, maxBytes: this.#maxBytes },
        (seq) => this.#skipped.has(seq),
      );
      for (const { event, bytes } of batch.unsendable)
        this.#skip(event, 'too_large', `${bytes} bytes alone, over ${EVENTS_MESSAGE_MAX_BYTES}`);
      const events = batch.events;
      if (events.length === 0) {
        this.#cursor = batch.cursor;
        return;
      }
      const wait = this.#bucket.msUntil(events.length);
      if (wait > 0) {
        this.#paceTimer = this.#d.clock.setTimeout(() => {
          this.#paceTimer = undefined;
          this.#pump();
        }, wait);
        return;
      }
      this.#bucket.take(events.length);
      const afterSeq = this.#lastSent;
      const first = events[0]!.seq;
      this.#lastSent = events[events.length - 1]!.seq;
      this.#cursor = batch.cursor;
      this.#inflight.push({ first, last: this.#lastSent, count: events.length, bytes: batch.bytes });
      this.#armAckTimer(false);
      this.#send({ protocol: PROTOCOL_VERSION, afterSeq, live: false, events });
    }
  }

  #send(msg: EventsMessage): void {
    // A failed publish means the connection dropped; onDown/onUp resend from the acked seq.
    this.#d.link
      .publish('events', msg, { qos: 1 })
      .catch((err: unknown) => this.#d.logger.debug({ err: errorMessage(err) }, 'events publish failed'));
  }

  #armAckTimer(restart: boolean): void {
    if (this.#inflight.length === 0) {
      this.#d.clock.clearTimeout(this.#ackTimer);
      this.#ackTimer = undefined;
      return;
    }
    if (this.#ackTimer && !restart) return;
    this.#d.clock.clearTimeout(this.#ackTimer);
    this.#ackTimer = this.#d.clock.setTimeout(() => {
      this.#ackTimer = undefined;
      this.#d.logger.warn({ ackedSeq: this.#d.outbox.ackedSeq() }, 'no events ack in time; resending');
      this.#rewind();
    }, ACK_TIMEOUT_MS);
  }

  #clearTimers(): void {
    this.#d.clock.clearTimeout(this.#paceTimer);
    this.#d.clock.clearTimeout(this.#ackTimer);
    this.#paceTimer = undefined;
    this.#ackTimer = undefined;
  }
}
