/**
 * Property-based fuzzing of every topic the hub subscribes to, through a real broker: whatever a panel
 * (or anyone holding its credentials) publishes, the hub neither crashes nor changes what it stores, and
 * counts each rejected message as invalid (logged with the reason).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { INBOUND_LEAVES } from '../../../cloud-sync/hub/mqtt/inbox.ts';
import { until } from '../../../scripts/lab/until.ts';
import { type Broker, type FakePanel, fakePanel, seed, startBroker, startHub } from './hub-harness.ts';

/** Garbage and near-misses: bytes, any JSON, and objects shaped like protocol messages with wrong fields. */
const payloads = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => Buffer.from(b)),
  fc.json().map((j) => Buffer.from(j)),
  fc
    .dictionary(
      fc.constantFrom('protocol', 'status', 'version', 'nonce', 'afterSeq', 'events', 'at', 'reason'),
      fc.jsonValue(),
    )
    .map((d) => Buffer.from(JSON.stringify({ ...d, protocol: 1, unexpected: true }))),
);

describe('hub inbox under fuzzing', () => {
  let broker: Broker;
  let hub: Hub;
  let panel: FakePanel;

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startHub(broker.url);
    seed(hub);
    panel = await fakePanel(broker.url, 'p1', '-fuzz');
  });
  afterAll(async () => {
    await panel.close();
    await hub.stop();
    await broker.close();
  });

  const storedState = () => ({
    panel: hub.store.panels.view('p1'),
    events: hub.store.events.count('p1'),
    position: hub.store.events.position('p1'),
  });

  for (const leaf of INBOUND_LEAVES) {
    it(`arbitrary payloads on ${leaf}: no crash, nothing stored, each one counted invalid`, async () => {
      const before = storedState();
      const stats = { ...hub.inboxStats() };
      let sent = 0;
      await fc.assert(
        fc.asyncProperty(payloads, async (payload) => {
          await panel.publish(leaf, payload);
          sent++;
        }),
        { numRuns: 100 },
      );
      await until(() => hub.inboxStats().received >= stats.received + sent, `${sent} messages delivered`);
      const after = hub.inboxStats();
      expect(after.invalid - stats.invalid).toBe(sent);
      expect(after.handled).toBe(stats.handled);
      expect(storedState()).toEqual(before);
    });
  }

  it('is still alive: a valid state message is stored', async () => {
    await panel.publish('state', { protocol: 1, status: 'online', configVersion: 0, lastSeq: 0 });
    await until(() => hub.store.panels.view('p1').online, 'the state stored');
  });
});
