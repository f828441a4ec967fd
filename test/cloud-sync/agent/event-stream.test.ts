import { describe, expect, it } from 'vitest';
import { ACK_TIMEOUT_MS, DEFAULT_WINDOW, MAX_BATCH } from '../../../cloud-sync/agent/event-stream.ts';
import { agentHarness } from './fakes.ts';

type Batch = { afterSeq: number; live: boolean; events: Array<{ seq: number }> };
const ack = (upToSeq: number) => ({ protocol: 1, upToSeq });

async function harness(backlogEventsPerS?: number) {
  const h = await agentHarness(backlogEventsPerS ? { backlogEventsPerS } : {});
  const batches = () => h.link.on('events') as unknown as Batch[];
  const inOrder = () => batches().filter((b) => !b.live);
  return { ...h, batches, inOrder };
}

describe('event stream', () => {
  it('drains the backlog in order, in batches of at most 200, within a window of unacked batches', async () => {
    const h = await harness();
    h.outbox.fill(1000);
    h.link.up();
    const sent = h.inOrder();
    expect(sent).toHaveLength(DEFAULT_WINDOW);
    expect(sent.map((b) => b.events.length)).toEqual([MAX_BATCH, MAX_BATCH, MAX_BATCH, MAX_BATCH]);
    expect(sent.map((b) => b.afterSeq)).toEqual([0, 200, 400, 600]);
    expect(h.link.published.find((p) => p.leaf === 'events')?.options).toEqual({ qos: 1 });
    // Nothing leaves the outbox before the hub acks it.
    expect(h.outbox.size()).toBe(1000);

    await h.send('events/ack', ack(200));
    expect(h.outbox.ackedSeq()).toBe(200);
    expect(h.outbox.size()).toBe(800);
    expect(h.inOrder().map((b) => b.afterSeq)).toEqual([0, 200, 400, 600, 800]);
    const seqs = h.inOrder().flatMap((b) => b.events.map((e) => e.seq));
    expect(seqs).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it('clamps an ack beyond what was sent', async () => {
    const h = await harness();
    h.outbox.fill(10);
    h.link.up();
    h.link.down();
    h.outbox.fill(5); // 11..15, never sent
    h.link.up();
    await h.send('events/ack', ack(1_000_000));
    // Reconnected stream sent 1..15 again; the ack is clamped to that.
    expect(h.outbox.ackedSeq()).toBe(15);
    const h2 = await harness();
    h2.outbox.fill(300);
    h2.link.up();
    h2.link.down();
    h2.link.up();
    await h2.send('events/ack', ack(999));
    expect(h2.outbox.ackedSeq()).toBe(300);
  });

  it('an ack larger than the last sent seq never drops unsent rows', async () => {
    // The window holds 4 × 200 rows in flight; rows past it are unsent.
    const h2 = await harness();
    h2.outbox.fill(2000);
    h2.link.up();
    const lastSent = h2.agent.events.lastSentSeq();
    expect(lastSent).toBe(800);
    await h2.send('events/ack', ack(1500));
    expect(h2.outbox.ackedSeq()).toBe(800);
    expect(h2.outbox.pending(0, 5000)[0]?.seq).toBe(801);
  });

  it('after a disconnect mid-stream it resends from the acked seq: no loss', async () => {
    const h = await harness();
    h.outbox.fill(600);
    h.link.up();
    await h.send('events/ack', ack(200));
    h.link.down();
    h.link.clear();
    h.link.up();
    const resent = h.inOrder();
    expect(resent[0]).toMatchObject({ afterSeq: 200 });
    expect(resent[0]?.events[0]?.seq).toBe(201);
    await h.send('events/ack', ack(600));
    expect(h.outbox.size()).toBe(0);
  });

  it('resends at once when the hub repeats its position (it missed a batch), once per gap', async () => {
    const h = await harness();
    h.outbox.fill(800);
    h.link.up();
    expect(h.inOrder()).toHaveLength(DEFAULT_WINDOW);
    h.link.clear();
    // Batch 1 never reached the hub; batch 2 arrives after the gap, so the hub acks its old position.
    await h.send('events/ack', ack(0));
    expect(h.inOrder().map((b) => b.afterSeq)).toEqual([0, 200, 400, 600]);
    // Batches 3 and 4 of the old window draw the same answer: no second resend.
    await h.send('events/ack', ack(0));
    await h.send('events/ack', ack(0));
    expect(h.inOrder()).toHaveLength(DEFAULT_WINDOW);
    await h.send('events/ack', ack(800));
    expect(h.outbox.size()).toBe(0);
  });

  it('rewinds to the acked seq when the hub stops acking', async () => {
    const h = await harness();
    h.outbox.fill(300);
    h.link.up();
    h.link.clear();
    h.clock.advance(ACK_TIMEOUT_MS);
    expect(h.inOrder()[0]).toMatchObject({ afterSeq: 0 });
  });

  it('paces the backlog with the token bucket but sends live events at once', async () => {
    const h = await harness(200); // one batch per second
    h.outbox.fill(1000);
    h.link.up();
    expect(h.inOrder()).toHaveLength(1);
    await h.send('events/ack', ack(200));
    expect(h.inOrder()).toHaveLength(1); // bucket empty
    const alarm = h.outbox.append('alarm.raised');
    const live = h.batches().filter((b) => b.live);
    expect(live).toEqual([
      expect.objectContaining({ live: true, events: [expect.objectContaining({ seq: alarm.seq })] }),
    ]);
    h.clock.advance(1000);
    expect(h.inOrder()).toHaveLength(2);
  });

  it('sends a new event once, in order, when the stream is caught up', async () => {
    const h = await harness();
    h.link.up();
    h.outbox.append();
    expect(h.batches()).toEqual([expect.objectContaining({ live: false, afterSeq: 0 })]);
  });

  it('publishes nothing while disconnected', async () => {
    const h = await harness();
    h.outbox.fill(3);
    expect(h.link.published).toEqual([]);
  });
});
