/**
 * Stores panel audit events and acknowledges the in-order stream. An ack promises "everything up to here
 * is stored", so it is sent only after the batch's transaction committed, and it never names a seq past a
 * gap: when a batch starts beyond our position (we missed one), nothing is stored and the ack repeats our
 * position, which makes the panel resend from there.
 *
 * A batch the hub cannot take is answered, never met with silence (silence made the panel resend the same
 * batch forever): the ack carries `rejected`. Too large (over EVENTS_MESSAGE_MAX_BYTES): the range, so the
 * panel splits it. Invalid: the valid events before the first bad one are stored, and the bad one is named
 * alone (`fromSeq === toSeq`), so the panel skips it with an audit note and the stream moves on. A message
 * the hub cannot even read (over the inbox limit, not JSON) is refused from our position on, range
 * unknown: the panel splits, and never skips on such an answer.
 */
import type { Clock } from '../../../lib/clock/clock.ts';
import { errorMessage } from '../../../lib/errors.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import {
  auditEventSchema,
  EVENTS_MESSAGE_MAX_BYTES,
  type EventsAckMessage,
  type EventsMessage,
  type EventsRejection,
  eventsEnvelope,
  eventsMessage,
} from '../../protocol/messages.ts';
import { deviceTopic, PROTOCOL_VERSION } from '../../protocol/topics.ts';
import type { EventLog } from '../store/event-log.ts';
import type { MqttPublisher } from './port.ts';

/** The inbox's limit for every leaf: what the hub reads at all (an events message is far smaller). */
export const INBOX_MAX_PAYLOAD_BYTES = 1024 * 1024;

type AuditEvent = EventsMessage['events'][number];
/**
 * Acts on stored events (residents' changes made at a panel); must not throw. Live copies are not told:
 * their in-order originals are, so what it applies comes in the order the panel recorded it.
 */
export type StoredListener = (panelId: string, events: readonly AuditEvent[]) => void;

export class EventConsumer {
  readonly #events: EventLog;
  readonly #mqtt: MqttPublisher;
  readonly #clock: Clock;
  readonly #logger: Logger;

  readonly #onStored: StoredListener | undefined;

  constructor(options: {
    events: EventLog;
    mqtt: MqttPublisher;
    clock: Clock;
    logger: Logger;
    /** Told the events of the in-order stream once stored (resent ones again), in seq order. */
    onStored?: StoredListener | undefined;
  }) {
    this.#events = options.events;
    this.#mqtt = options.mqtt;
    this.#clock = options.clock;
    this.#logger = options.logger.child({ component: 'event-consumer' });
    this.#onStored = options.onStored;
  }

  /**
   * Takes a raw `events` payload of a known panel. Returns an error text for what it refused (the inbox
   * counts it as invalid), undefined when everything was stored.
   */
  receive(panelId: string, payload: Buffer): string | undefined {
    if (payload.length > INBOX_MAX_PAYLOAD_BYTES)
      return this.#refuseUnread(panelId, 'too_large', `payload of ${payload.length} bytes`);
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
    } catch {
      return this.#refuseUnread(panelId, 'invalid', 'payload is not UTF-8 JSON');
    }
    const fits = payload.length <= EVENTS_MESSAGE_MAX_BYTES;
    // The common case first, with one schema pass: a valid batch in order.
    const strict = eventsMessage.safeParse(json);
    if (strict.success && fits && !orderProblem(strict.data.afterSeq, strict.data.events))
      return strict.data.live
        ? this.#storeLive(panelId, strict.data.events)
        : this.#storeInOrder(panelId, strict.data.afterSeq, strict.data.events);
    // Another protocol version's message is no question this hub can answer.
    if ((json as { protocol?: unknown } | null)?.protocol !== PROTOCOL_VERSION)
      return 'not an events message of this protocol version';
    const envelope = eventsEnvelope.safeParse(json);
    if (!envelope.success) return this.#refuseUnread(panelId, 'invalid', 'not an events message');
    const { afterSeq, live, events } = envelope.data;
    const problem = orderProblem(afterSeq, events);
    // Live copies are stored when all is well and otherwise dropped unanswered: their in-order originals
    // get the answer.
    if (live) return problem ?? 'live events refused';
    const position = this.#events.position(panelId);
    if (afterSeq > position) return this.#storeInOrder(panelId, afterSeq, []);
    const fresh = events.filter((e) => e.seq > position);
    const first = fresh[0]?.seq;
    const last = fresh.at(-1)?.seq;
    if (first === undefined || last === undefined) {
      this.#answer(panelId, position);
      return undefined;
    }
    if (problem) {
      // Seqs out of order: a broken batch, not a bad event, so no range the panel could skip.
      this.#answer(panelId, position, { fromSeq: position + 1, reason: 'invalid', detail: problem });
      return problem;
    }
    if (!fits) {
      const detail = `${payload.length} bytes, over ${EVENTS_MESSAGE_MAX_BYTES}`;
      this.#answer(panelId, position, { fromSeq: first, toSeq: last, reason: 'too_large', detail });
      return `events ${first}..${last} refused: ${detail}`;
    }
    return this.#storeValidHead(panelId, afterSeq, position, events, { first, last });
  }

  #storeLive(panelId: string, events: readonly AuditEvent[]): undefined {
    const inserted = this.#events.storeLive(panelId, events, this.#clock.now());
    this.#logger.debug({ panelId, inserted }, 'live events stored');
  }

  /** Stores a valid in-order batch (nothing after a gap) and acks the position. */
  #storeInOrder(panelId: string, afterSeq: number, events: readonly AuditEvent[]): undefined {
    const position = this.#events.position(panelId);
    if (afterSeq > position) {
      this.#logger.info({ panelId, afterSeq, position }, 'event gap; asking resend');
      this.#answer(panelId, position);
      return;
    }
    const result = this.#events.storeInOrder(panelId, afterSeq, events, this.#clock.now());
    this.#logger.debug({ panelId, inserted: result.inserted, position: result.position }, 'events stored');
    this.#answer(panelId, result.position);
    if (!result.gap) this.#onStored?.(panelId, events);
  }

  /** Stores the events before the first invalid one and names that one alone. */
  #storeValidHead(
    panelId: string,
    afterSeq: number,
    position: number,
    events: ReadonlyArray<{ seq: number }>,
    range: { first: number; last: number },
  ): string {
    const head: AuditEvent[] = [];
    for (const raw of events) {
      const event = auditEventSchema.safeParse(raw);
      if (event.success) {
        head.push(event.data);
        continue;
      }
      // Stored before (so once valid): a resend's copy changes nothing, whatever it looks like now.
      if (raw.seq <= position) continue;
      const issue = event.error.issues[0];
      const detail = `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`.slice(0, 200);
      const stored =
        head.length > 0 ? this.#events.storeInOrder(panelId, afterSeq, head, this.#clock.now()) : undefined;
      const upTo = stored?.position ?? position;
      this.#answer(panelId, upTo, { fromSeq: raw.seq, toSeq: raw.seq, reason: 'invalid', detail });
      if (stored && !stored.gap) this.#onStored?.(panelId, head);
      return `event ${raw.seq} refused: ${detail}`;
    }
    // Every event is valid on its own but the message is not (an unknown key): refused whole.
    this.#answer(panelId, position, { fromSeq: range.first, toSeq: range.last, reason: 'invalid' });
    return 'events message invalid';
  }

  /** A message we could not read: refused from our position on, its extent unknown. */
  #refuseUnread(panelId: string, reason: EventsRejection['reason'], detail: string): string {
    const position = this.#events.position(panelId);
    this.#answer(panelId, position, { fromSeq: position + 1, reason, detail });
    return `events refused (${reason}): ${detail}`;
  }

  #answer(panelId: string, upToSeq: number, rejected?: EventsRejection): void {
    if (rejected) this.#logger.warn({ panelId, upToSeq, rejected }, 'events refused; panel told why');
    const ack: EventsAckMessage = {
      protocol: PROTOCOL_VERSION,
      upToSeq,
      ...(rejected ? { rejected } : {}),
    };
    this.#mqtt
      .publish(deviceTopic(panelId, 'events/ack'), ack, { qos: 1 })
      .catch((err) =>
        this.#logger.warn({ panelId, err: errorMessage(err) }, 'events ack failed; next batch re-acks'),
      );
  }
}

/** Seqs must rise strictly and start after `afterSeq`, or the position logic would be meaningless. */
function orderProblem(afterSeq: number, events: ReadonlyArray<{ seq: number }>): string | undefined {
  let last = afterSeq;
  for (const e of events) {
    if (e.seq <= last) return `event seq ${e.seq} is not above ${last}`;
    last = e.seq;
  }
  return undefined;
}
