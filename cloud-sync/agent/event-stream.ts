/**
 * Ships the outbox to the cloud as an in-order stream of batches. Each batch names the seq of the last
 * event sent before it (`afterSeq`), so the hub can tell a missed batch from a skipped (overflowed) seq.
 * Rows leave the outbox only when the hub acks them; after a reconnect the stream restarts from the acked
 * seq, so nothing is lost, at the cost of resending what was in flight (the hub stores by id).
 *
 * Backlog is paced by a token bucket so a panel back from a long outage does not swamp the broker; new
 * events jump the queue as single `live` copies, so alarms reach the cloud at once.
 */
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { type EventsMessage, eventsAckMessage } from '../protocol/messages.ts';
import { PROTOCOL_VERSION } from '../protocol/topics.ts';
import type { Link } from './link.ts';
import { parseMessage } from './parse.ts';
import type { Outbox, OutboxEvent, ProtocolErrorSink } from './ports.ts';
import { TokenBucket } from './token-bucket.ts';

export const MAX_BATCH = 200;
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
}

export class EventStream {
  readonly #d: EventStreamDeps;
  readonly #bucket: TokenBucket;
  readonly #window: number;
  #up = false;
  /** Seq of the last event sent on this connection (the next batch's afterSeq). */
  #lastSent = 0;
  /** Last seq of each batch sent and not yet acked, oldest first. */
  #inflight: number[] = [];
  #paceTimer: TimerHandle | undefined;
  #ackTimer: TimerHandle | undefined;
  /** Set when a repeated hub position made us resend; cleared once an ack makes progress. */
  #resentOnRepeat = false;

  constructor(deps: EventStreamDeps) {
    this.#d = deps;
    this.#window = deps.window ?? DEFAULT_WINDOW;
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
    if (this.#lastSent >= event.seq) return;
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
    if (upTo > acked) {
      this.#d.outbox.ack(upTo);
      this.#resentOnRepeat = false;
    } else if (this.#inflight.length > 0 && !this.#resentOnRepeat) {
      // The hub repeats its position while batches are in flight: it missed one (published while it was
      // not subscribed, say) and stores nothing after the gap. Resend now instead of at the ack timeout;
      // the acks of the other batches of that window repeat the position too and are let pass.
      this.#resentOnRepeat = true;
      this.#d.logger.info({ position: msg.value.upToSeq, ackedSeq: acked }, 'hub missed a batch; resending');
      this.#rewind();
      return;
    }
    const before = this.#inflight.length;
    this.#inflight = this.#inflight.filter((seq) => seq > upTo);
    if (this.#inflight.length < before) this.#armAckTimer(true);
    this.#pump();
  }

  /** Seq of the last event sent in order on this connection (for the state message and tests). */
  lastSentSeq(): number {
    return this.#lastSent;
  }

  #rewind(): void {
    this.#inflight = [];
    this.#clearTimers();
    this.#lastSent = this.#d.outbox.ackedSeq();
    this.#pump();
  }

  #pump(): void {
    while (this.#up && this.#inflight.length < this.#window && !this.#paceTimer) {
      const batch = this.#d.outbox.pending(this.#lastSent, Math.min(MAX_BATCH, this.#bucket.capacity));
      if (batch.length === 0) return;
      const wait = this.#bucket.msUntil(batch.length);
      if (wait > 0) {
        this.#paceTimer = this.#d.clock.setTimeout(() => {
          this.#paceTimer = undefined;
          this.#pump();
        }, wait);
        return;
      }
      this.#bucket.take(batch.length);
      const afterSeq = this.#lastSent;
      this.#lastSent = batch[batch.length - 1]!.seq;
      this.#inflight.push(this.#lastSent);
      this.#armAckTimer(false);
      this.#send({ protocol: PROTOCOL_VERSION, afterSeq, live: false, events: batch });
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
