/**
 * The hub answers every in-order events message it cannot take, so a panel's upload never waits on
 * silence: too large (with the range, to split), one invalid event (named alone, after the valid head is
 * stored), unreadable (from the position on, range unknown). Live copies are never answered.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { EVENTS_MESSAGE_MAX_BYTES } from '../../../cloud-sync/protocol/messages.ts';
import { until } from '../../../scripts/lab/until.ts';
import { type Broker, type FakePanel, fakePanel, seed, startBroker, startHub } from './hub-harness.ts';

const event = (seq: number, data: Record<string, unknown> = {}) => ({
  id: `ev-${seq}`,
  seq,
  ts: 1_767_225_600_000 + seq,
  type: 'call.refused',
  doorId: null,
  readerId: null,
  data,
});
type Ack = { upToSeq: number; rejected?: Record<string, unknown> };

describe('event refusals', () => {
  let broker: Broker;
  let hub: Hub;
  let panel: FakePanel;
  const acks = () => panel.on('events/ack').map((m) => m.payload as Ack);
  const position = () => hub.store.events.position('p1');
  const seqs = () => hub.store.events.list({ panelId: 'p1', after: 0, limit: 1000 }).map((e) => e.seq);

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

  it('a batch over the events limit: refused as too_large with its range, nothing stored', async () => {
    const big = 'x'.repeat(100_000);
    const msg = { protocol: 1, afterSeq: 0, live: false, events: [1, 2, 3].map((s) => event(s, { big })) };
    expect(JSON.stringify(msg).length).toBeGreaterThan(EVENTS_MESSAGE_MAX_BYTES);
    await panel.publish('events', msg);
    await until(() => acks().length === 1, 'an answer');
    expect(acks()[0]).toMatchObject({ upToSeq: 0, rejected: { fromSeq: 1, toSeq: 3, reason: 'too_large' } });
    expect(seqs()).toEqual([]);
    // The same events, split, are stored.
    await panel.publish('events', { ...msg, events: msg.events.slice(0, 2) });
    await panel.publish('events', { ...msg, afterSeq: 2, events: msg.events.slice(2) });
    await until(() => position() === 3, 'stored after the split');
    expect(seqs()).toEqual([1, 2, 3]);
  });

  it('over the inbox limit: refused from the position on, range unknown (the hub did not read it)', async () => {
    const invalid = hub.inboxStats().invalid;
    await panel.publish('events', Buffer.alloc(1024 * 1024 + 1, 0x20));
    await until(() => acks().length === 1, 'an answer');
    expect(acks()[0]).toEqual({
      protocol: 1,
      upToSeq: 3,
      rejected: { fromSeq: 4, reason: 'too_large', detail: 'payload of 1048577 bytes' },
    });
    await panel.publish('events', Buffer.from('not json'));
    await until(() => acks().length === 2, 'a second answer');
    expect(acks()[1]?.rejected).toEqual({
      fromSeq: 4,
      reason: 'invalid',
      detail: 'payload is not UTF-8 JSON',
    });
    expect(hub.inboxStats().invalid).toBe(invalid + 2);
  });

  it('an invalid event: the valid head is stored, the bad one named alone; the panel goes on after it', async () => {
    const bad = { ...event(6), readerId: 'r'.repeat(300) };
    await panel.publish('events', { protocol: 1, afterSeq: 3, events: [event(4), event(5), bad, event(7)] });
    await until(() => acks().length === 1, 'an answer');
    expect(acks()[0]).toMatchObject({
      upToSeq: 5,
      rejected: { fromSeq: 6, toSeq: 6, reason: 'invalid', detail: expect.stringContaining('readerId') },
    });
    expect(seqs()).toEqual([1, 2, 3, 4, 5]);
    // The panel skips 6 and records why (seq 8): the hub stores on, the gap explained.
    const note = { ...event(8), type: 'sync.event_skipped' };
    await panel.publish('events', { protocol: 1, afterSeq: 5, events: [event(7), note] });
    await until(() => position() === 8, 'stored past the skipped event');
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 7, 8]);
  });

  it('live copies are never answered, even when refused', async () => {
    const invalid = hub.inboxStats().invalid;
    const bad = { ...event(9), type: '' };
    await panel.publish('events', { protocol: 1, afterSeq: 8, live: true, events: [bad] });
    await until(() => hub.inboxStats().invalid === invalid + 1, 'refused');
    // A valid in-order batch after it: its ack is the only answer.
    await panel.publish('events', { protocol: 1, afterSeq: 8, events: [event(9)] });
    await until(() => acks().length === 1, 'the ack');
    expect(acks()).toEqual([{ protocol: 1, upToSeq: 9 }]);
  });
});
