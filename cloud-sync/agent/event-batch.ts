/**
 * Cuts the next in-order batch off the outbox, bounded in events and in bytes. The bytes are those of the
 * serialized events message (UTF-8 JSON, exactly as the link publishes it), so "bounded" means what the
 * broker and the hub see. An event that alone is over the byte budget still goes, alone, as long as a
 * message of it fits EVENTS_MESSAGE_MAX_BYTES; one that does not can never be sent and is handed back as
 * `unsendable`, for the stream to skip with an audit note.
 */
import { EVENTS_MESSAGE_MAX_BYTES, type EventsMessage } from '../protocol/messages.ts';
import { PROTOCOL_VERSION } from '../protocol/topics.ts';
import type { Outbox, OutboxEvent } from './ports.ts';

export interface BatchLimits {
  maxEvents: number;
  maxBytes: number;
}

export interface Batch {
  events: OutboxEvent[];
  /** Bytes of the events message carrying `events` after `afterSeq`. */
  bytes: number;
  /** Events that no message can carry (each alone is over EVENTS_MESSAGE_MAX_BYTES), with their size. */
  unsendable: Array<{ event: OutboxEvent; bytes: number }>;
  /** The last seq looked at: the batch's last event, or an unsendable or skipped one after it. */
  cursor: number;
}

/** Bytes of the serialized events message. */
export function messageBytes(msg: EventsMessage): number {
  return Buffer.byteLength(JSON.stringify(msg));
}

/** Bytes of one event inside a message's `events` array. */
export function eventBytes(event: OutboxEvent): number {
  return Buffer.byteLength(JSON.stringify(event));
}

/** Bytes of a message around its events: everything but the events and the commas between them. */
export function envelopeBytes(afterSeq: number, live: boolean): number {
  return messageBytes({ protocol: PROTOCOL_VERSION, afterSeq, live, events: [] });
}

/**
 * The events after `cursor` that form the next batch (sent after `afterSeq`), skipping the seqs `skip`
 * names. Reads the outbox a page at a time, at most `maxEvents` rows per page.
 */
export function nextBatch(
  outbox: Outbox,
  afterSeq: number,
  cursor: number,
  limits: BatchLimits,
  skip: (seq: number) => boolean,
): Batch {
  const envelope = envelopeBytes(afterSeq, false);
  const batch: Batch = { events: [], bytes: envelope, unsendable: [], cursor };
  for (;;) {
    const page = outbox.pending(batch.cursor, limits.maxEvents - batch.events.length);
    if (page.length === 0) return batch;
    for (const event of page) {
      if (skip(event.seq)) {
        batch.cursor = event.seq;
        continue;
      }
      const size = eventBytes(event);
      if (envelope + size > EVENTS_MESSAGE_MAX_BYTES) {
        batch.unsendable.push({ event, bytes: envelope + size });
        batch.cursor = event.seq;
        continue;
      }
      const comma = batch.events.length > 0 ? 1 : 0;
      if (batch.events.length > 0 && batch.bytes + comma + size > limits.maxBytes) return batch;
      batch.events.push(event);
      batch.bytes += comma + size;
      batch.cursor = event.seq;
      if (batch.events.length >= limits.maxEvents) return batch;
    }
  }
}
