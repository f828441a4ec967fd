import { describe, expect, it } from 'vitest';
import { messageBytes, nextBatch } from '../../../cloud-sync/agent/event-batch.ts';
import { EVENTS_MESSAGE_MAX_BYTES } from '../../../cloud-sync/protocol/messages.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { FakeOutbox } from './fakes.ts';

/** A visitor picture as large as the intercom records (a 64 KiB data URI). */
const PICTURE = `data:image/jpeg;base64,${'A'.repeat(65_536 - 23)}`;
const none = () => false;

function outboxWith(...datas: Array<Record<string, unknown>>): FakeOutbox {
  const outbox = new FakeOutbox(new FakeClock());
  for (const data of datas) outbox.append('call.snapshot', data);
  return outbox;
}

const bytesOf = (afterSeq: number, events: ReturnType<typeof nextBatch>['events']) =>
  messageBytes({ protocol: 1, afterSeq, live: false, events });

describe('batching by bytes', () => {
  it('cuts a backlog of pictures into batches under the byte budget, each as full as it can be', () => {
    const outbox = outboxWith(...Array.from({ length: 20 }, () => ({ callId: 'c', snapshot: PICTURE })));
    const limits = { maxEvents: 200, maxBytes: EVENTS_MESSAGE_MAX_BYTES };
    let cursor = 0;
    const sizes: number[] = [];
    for (;;) {
      const batch = nextBatch(outbox, cursor, cursor, limits, none);
      if (batch.events.length === 0) break;
      expect(batch.bytes).toBe(bytesOf(cursor, batch.events));
      expect(batch.bytes).toBeLessThanOrEqual(EVENTS_MESSAGE_MAX_BYTES);
      // One more event would have gone over.
      const next = outbox.pending(batch.cursor, 1);
      if (next.length > 0)
        expect(bytesOf(cursor, [...batch.events, ...next])).toBeGreaterThan(EVENTS_MESSAGE_MAX_BYTES);
      sizes.push(batch.events.length);
      cursor = batch.cursor;
    }
    expect(sizes).toEqual([3, 3, 3, 3, 3, 3, 2]);
  });

  it('counts UTF-8 bytes, not characters', () => {
    const outbox = outboxWith(...Array.from({ length: 10 }, () => ({ reason: 'å'.repeat(1000) })));
    const batch = nextBatch(outbox, 0, 0, { maxEvents: 200, maxBytes: 8000 }, none);
    expect(batch.events).toHaveLength(3);
    expect(batch.bytes).toBe(bytesOf(0, batch.events));
    expect(batch.bytes).toBeLessThanOrEqual(8000);
  });

  it('still bounds by count', () => {
    const outbox = outboxWith(...Array.from({ length: 10 }, () => ({})));
    expect(nextBatch(outbox, 0, 0, { maxEvents: 4, maxBytes: 1e6 }, none).events).toHaveLength(4);
  });

  it('an event alone over the budget goes alone, so the stream moves on', () => {
    const outbox = outboxWith({ a: 1 }, { snapshot: PICTURE }, { b: 2 });
    const limits = { maxEvents: 200, maxBytes: 10_000 };
    const first = nextBatch(outbox, 0, 0, limits, none);
    expect(first.events.map((e) => e.seq)).toEqual([1]);
    const second = nextBatch(outbox, 1, first.cursor, limits, none);
    expect(second.events.map((e) => e.seq)).toEqual([2]);
    expect(second.bytes).toBeGreaterThan(10_000);
    expect(nextBatch(outbox, 2, second.cursor, limits, none).events.map((e) => e.seq)).toEqual([3]);
  });

  it('an event no message can carry is handed back as unsendable and passed over', () => {
    const huge = 'x'.repeat(EVENTS_MESSAGE_MAX_BYTES);
    const outbox = outboxWith({ a: 1 }, { huge }, { b: 2 });
    const batch = nextBatch(outbox, 0, 0, { maxEvents: 200, maxBytes: EVENTS_MESSAGE_MAX_BYTES }, none);
    expect(batch.events.map((e) => e.seq)).toEqual([1, 3]);
    expect(batch.unsendable.map((u) => u.event.seq)).toEqual([2]);
    expect(batch.unsendable[0]?.bytes).toBeGreaterThan(EVENTS_MESSAGE_MAX_BYTES);
    expect(batch.cursor).toBe(3);
  });

  it('leaves out the seqs it is told to skip', () => {
    const outbox = outboxWith({}, {}, {}, {});
    const batch = nextBatch(outbox, 0, 0, { maxEvents: 200, maxBytes: 1e6 }, (seq) => seq === 2);
    expect(batch.events.map((e) => e.seq)).toEqual([1, 3, 4]);
  });
});
