/**
 * The stream never stalls: batches stay under the byte budget, a range the hub refuses is split, an event
 * the hub refuses alone (or no message can carry) is skipped with one `sync.event_skipped` note, and the
 * stream goes on in order after it.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW, MAX_BATCH, MAX_BATCH_BYTES } from '../../../cloud-sync/agent/event-stream.ts';
import { EVENTS_MESSAGE_MAX_BYTES } from '../../../cloud-sync/protocol/messages.ts';
import { agentHarness } from './fakes.ts';

type Batch = { afterSeq: number; live: boolean; events: Array<{ seq: number; type: string; data: unknown }> };
const ack = (upToSeq: number, rejected?: Record<string, unknown>) => ({
  protocol: 1,
  upToSeq,
  ...(rejected ? { rejected } : {}),
});
const PICTURE = `data:image/jpeg;base64,${'A'.repeat(65_536 - 23)}`;

async function harness() {
  const h = await agentHarness();
  const inOrder = () => (h.link.on('events') as unknown as Batch[]).filter((b) => !b.live);
  const seqsOf = (b: Batch | undefined) => b?.events.map((e) => e.seq) ?? [];
  return { ...h, inOrder, seqsOf };
}

describe('event stream refusals', () => {
  it('keeps every published batch under the byte budget: a backlog of pictures drains in order', async () => {
    const h = await harness();
    for (let i = 0; i < 40; i++) h.outbox.append('call.snapshot', { callId: `c${i}`, snapshot: PICTURE });
    h.link.up();
    for (let round = 0; round < 40 && h.outbox.size() > 0; round++)
      await h.send('events/ack', ack(h.agent.events.lastSentSeq()));
    expect(h.outbox.size()).toBe(0);
    for (const p of h.link.published.filter((x) => x.leaf === 'events'))
      expect(Buffer.byteLength(JSON.stringify(p.payload))).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    const seqs = h.inOrder().flatMap((b) => h.seqsOf(b));
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(MAX_BATCH_BYTES).toBeLessThanOrEqual(EVENTS_MESSAGE_MAX_BYTES);
  });

  it('splits a refused range in halves, one batch in flight, until the hub has passed it', async () => {
    const h = await harness();
    h.outbox.fill(1000);
    h.link.up();
    expect(h.inOrder()).toHaveLength(DEFAULT_WINDOW);
    h.link.clear();
    await h.send('events/ack', ack(0, { fromSeq: 1, toSeq: 200, reason: 'invalid' }));
    expect(h.inOrder().map((b) => [b.afterSeq, b.events.length])).toEqual([[0, 100]]);
    // Refused again: halved again.
    h.link.clear();
    await h.send('events/ack', ack(0, { fromSeq: 1, toSeq: 100, reason: 'invalid' }));
    expect(h.inOrder().map((b) => [b.afterSeq, b.events.length])).toEqual([[0, 50]]);
    // Accepted: the next part of the refused range, still one at a time.
    h.link.clear();
    await h.send('events/ack', ack(50));
    expect(h.inOrder().map((b) => [b.afterSeq, b.events.length])).toEqual([[50, 50]]);
    h.link.clear();
    await h.send('events/ack', ack(100));
    expect(h.inOrder().map((b) => [b.afterSeq, b.events.length])).toEqual([[100, 50]]);
    h.link.clear();
    await h.send('events/ack', ack(150));
    expect(h.inOrder().map((b) => [b.afterSeq, b.events.length])).toEqual([[150, 50]]);
    // Past the refused range (it ended at 200): full batches and the full window again.
    h.link.clear();
    await h.send('events/ack', ack(200));
    expect(h.inOrder().map((b) => b.events.length)).toEqual(Array(DEFAULT_WINDOW).fill(MAX_BATCH));
    expect(h.outbox.skips).toEqual([]);
  });

  it('learns a lower byte budget from a too_large refusal and keeps it', async () => {
    const h = await harness();
    for (let i = 0; i < 40; i++) h.outbox.append('call.snapshot', { callId: `c${i}`, snapshot: PICTURE });
    h.link.up();
    expect(h.seqsOf(h.inOrder()[0])).toEqual([1, 2, 3]);
    h.link.clear();
    await h.send('events/ack', ack(0, { fromSeq: 1, toSeq: 3, reason: 'too_large' }));
    for (let round = 0; round < 60 && h.outbox.size() > 0; round++)
      await h.send('events/ack', ack(h.agent.events.lastSentSeq()));
    expect(h.outbox.size()).toBe(0);
    // Half the refused batch (3 pictures) holds one picture: every batch since, past the refused range
    // too, carries one.
    const counts = h.inOrder().map((b) => b.events.length);
    expect(counts.length).toBeGreaterThan(30);
    expect(counts.every((n) => n === 1)).toBe(true);
  });

  it('skips an event the hub refuses alone, notes it once, and goes on after it in order', async () => {
    const h = await harness();
    h.outbox.fill(10);
    h.link.up();
    h.link.clear();
    // The hub stored 1..4 and refuses 5 alone.
    await h.send(
      'events/ack',
      ack(4, { fromSeq: 5, toSeq: 5, reason: 'invalid', detail: 'readerId: too long' }),
    );
    expect(h.outbox.skips).toEqual([
      { seq: 5, eventType: 'access.granted', reason: 'invalid', detail: 'readerId: too long' },
    ]);
    // The note is event 11; the stream resends from 4 without 5.
    const [resent] = h.inOrder();
    expect(resent?.afterSeq).toBe(4);
    expect(h.seqsOf(resent)).toEqual([6, 7, 8, 9, 10, 11]);
    expect(resent?.events.at(-1)).toMatchObject({ type: 'sync.event_skipped', data: { seq: 5 } });
    // A stale repeat of the refusal changes nothing; the ack passes the skipped seq.
    await h.send('events/ack', ack(4, { fromSeq: 5, toSeq: 5, reason: 'invalid' }));
    await h.send('events/ack', ack(11));
    expect(h.outbox.size()).toBe(0);
    expect(h.outbox.skips).toHaveLength(1);
  });

  it('skips an event no message can carry without asking the hub, with a too_large note', async () => {
    const h = await harness();
    h.outbox.append();
    h.outbox.append('call.refused', { reason: 'x'.repeat(EVENTS_MESSAGE_MAX_BYTES) });
    h.outbox.append();
    h.link.up();
    expect(h.outbox.skips).toEqual([expect.objectContaining({ seq: 2, reason: 'too_large' })]);
    const sent = h.inOrder().flatMap((b) => h.seqsOf(b));
    expect(sent).toEqual([1, 3, 4]);
    await h.send('events/ack', ack(4));
    expect(h.outbox.size()).toBe(0);
  });

  it('never skips on a refusal without a range: a single event is retried, not dropped', async () => {
    const h = await harness();
    h.outbox.fill(1);
    h.link.up();
    h.link.clear();
    await h.send('events/ack', ack(0, { fromSeq: 1, reason: 'too_large' }));
    expect(h.outbox.skips).toEqual([]);
    expect(h.outbox.size()).toBe(1);
    expect(h.inOrder()).toEqual([]);
  });

  it('ignores a refusal of what is already acked', async () => {
    const h = await harness();
    h.outbox.fill(300);
    h.link.up();
    await h.send('events/ack', ack(200));
    h.link.clear();
    await h.send('events/ack', ack(200, { fromSeq: 150, toSeq: 150, reason: 'invalid' }));
    expect(h.outbox.skips).toEqual([]);
    expect(h.inOrder()).toEqual([]);
  });
});
