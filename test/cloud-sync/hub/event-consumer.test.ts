import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { until } from '../../../scripts/lab/until.ts';
import { type Broker, type FakePanel, fakePanel, seed, startBroker, startHub } from './hub-harness.ts';

const event = (seq: number) => ({
  id: `ev-${seq}`,
  seq,
  ts: 1_767_225_600_000 + seq,
  type: 'access.granted',
  doorId: 'door-a',
  readerId: 'r1',
  data: { n: seq },
});
const batch = (afterSeq: number, seqs: number[], live = false) => ({
  protocol: 1,
  afterSeq,
  live,
  events: seqs.map(event),
});

describe('event consumer', () => {
  let broker: Broker;
  let hub: Hub;
  let panel: FakePanel;
  const acks = () => panel.on('events/ack').map((m) => (m.payload as { upToSeq: number }).upToSeq);

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startHub(broker.url);
    seed(hub);
  });
  afterAll(async () => {
    await panel.close();
    await hub.stop();
    await broker.close();
  });
  beforeEach(async () => {
    await panel?.close();
    panel = await fakePanel(broker.url, 'p1', String(Math.random()));
  });

  it('stores an in-order batch once, even when resent, and acks it', async () => {
    await panel.publish('events', batch(0, [1, 2, 3]));
    await until(() => acks().includes(3), 'ack 3');
    await panel.publish('events', batch(0, [1, 2, 3]));
    await panel.publish('events', batch(2, [3, 5]));
    await until(() => acks().includes(5), 'ack 5');
    expect(hub.store.events.count('p1')).toBe(4);
    expect(hub.store.events.position('p1')).toBe(5);
  });

  it('stores nothing past a gap and acks the position, so the panel resends', async () => {
    const before = hub.store.events.count('p1');
    await panel.publish('events', batch(7, [8, 9]));
    await until(() => acks().length === 1, 'ack');
    expect(acks()).toEqual([5]);
    expect(hub.store.events.count('p1')).toBe(before);
    await panel.publish('events', batch(5, [6, 7, 8, 9]));
    await until(() => acks().includes(9), 'ack 9');
    expect(hub.store.events.count('p1')).toBe(before + 4);
  });

  it('stores live copies without moving the position; the in-order copy is not duplicated', async () => {
    await panel.publish('events', batch(12, [13], true));
    await until(
      () => hub.store.events.list({ panelId: 'p1', after: 0, limit: 1000 }).some((e) => e.seq === 13),
      'live',
    );
    expect(hub.store.events.position('p1')).toBe(9);
    await panel.publish('events', batch(9, [10, 11, 12, 13]));
    await until(() => acks().includes(13), 'ack 13');
    const seqs = hub.store.events.list({ panelId: 'p1', after: 0, limit: 1000 }).map((e) => e.seq);
    expect(seqs.filter((s) => s === 13)).toHaveLength(1);
    expect(acks()).toEqual([13]);
  });

  it('refuses batches whose seqs do not rise (an answer, no range to skip); ignores unknown panels', async () => {
    const count = hub.store.events.count('p1');
    const invalid = hub.inboxStats().invalid;
    await panel.publish('events', batch(13, [15, 14]));
    await until(() => hub.inboxStats().invalid === invalid + 1, 'counted');
    const stranger = await fakePanel(broker.url, 'p9');
    await stranger.publish('events', batch(0, [1]));
    await until(() => hub.inboxStats().unknownPanel === 1, 'unknown panel counted');
    await stranger.close();
    expect(hub.store.events.count('p1')).toBe(count);
    expect(hub.store.events.count('p9')).toBe(0);
    expect(panel.on('events/ack').map((m) => m.payload)).toEqual([
      {
        protocol: 1,
        upToSeq: 13,
        rejected: { fromSeq: 14, reason: 'invalid', detail: 'event seq 14 is not above 15' },
      },
    ]);
  });

  it('survives arbitrary bytes and JSON on the events topic without storing anything', async () => {
    const count = hub.store.events.count('p1');
    const position = hub.store.events.position('p1');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
          fc.json().map((j) => Buffer.from(j)),
          fc.jsonValue().map((v) => Buffer.from(JSON.stringify({ protocol: 1, afterSeq: 0, events: [v] }))),
          fc
            .record({ afterSeq: fc.integer(), events: fc.array(fc.jsonValue(), { maxLength: 3 }) })
            .map((r) => Buffer.from(JSON.stringify({ protocol: 1, ...r }))),
        ),
        async (payload) => {
          await panel.publish('events', payload);
        },
      ),
      { numRuns: 150 },
    );
    const received = hub.inboxStats().received;
    await until(() => hub.inboxStats().received >= received, 'delivered');
    // A valid batch after the garbage proves the hub is alive and the ordering still holds.
    await panel.publish('events', batch(position, [position + 1]));
    await until(() => acks().includes(position + 1), 'ack after fuzz');
    expect(hub.store.events.count('p1')).toBe(count + 1);
  });
});
