/**
 * Installer mode's audit events (installer.*) reach the hub like every other event: stored as sent, in
 * order, acked — the hub takes event types it has no special handling for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import type { AuditEventType } from '../../../device/audit/types.ts';
import { until } from '../../../scripts/lab/until.ts';
import { SAMPLE_PAYLOADS } from '../../device/audit/sample-events.ts';
import { type Broker, type FakePanel, fakePanel, seed, startBroker, startHub } from './hub-harness.ts';

const INSTALLER_TYPES = Object.keys(SAMPLE_PAYLOADS).filter((t) =>
  t.startsWith('installer.'),
) as AuditEventType[];

describe('installer events at the hub', () => {
  let broker: Broker;
  let hub: Hub;
  let panel: FakePanel;

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startHub(broker.url);
    seed(hub);
    panel = await fakePanel(broker.url, 'p1', 'installer-events');
  });
  afterAll(async () => {
    await panel.close();
    await hub.stop();
    await broker.close();
  });

  it('stores every installer event type with its data', async () => {
    expect(INSTALLER_TYPES.length).toBeGreaterThanOrEqual(7);
    const events = INSTALLER_TYPES.map((type, i) => ({
      id: `inst-${i + 1}`,
      seq: i + 1,
      ts: 1_767_225_600_000 + i,
      type,
      doorId: type === 'installer.relay_tested' ? 'door-a' : null,
      readerId: null,
      data: SAMPLE_PAYLOADS[type],
    }));
    await panel.publish('events', { protocol: 1, afterSeq: 0, live: false, events });
    await until(() => hub.store.events.position('p1') === events.length, 'the installer events stored');
    const stored = hub.store.events.list({ panelId: 'p1', after: 0, limit: 100 });
    expect(stored.map((e) => [e.type, e.data])).toEqual(events.map((e) => [e.type, e.data]));
  });
});
