import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../../cloud-sync/broker/embedded-broker.ts';
import { MosquittoAppDevices } from '../../../cloud-sync/broker/mosquitto-dynsec.ts';
import { appDeviceCallFilter, callTopic, panelCallFilter } from '../../../cloud-sync/protocol/calls.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { until } from '../../../scripts/lab/until.ts';
import { connectClient } from '../../support/mqtt-client.ts';

// Residents' app devices on the embedded broker (`npm start`): the hub decides which panels a device may
// call (its resident's buildings), revocation disconnects at once, and a flooding device is cut off.

const users = { hub: 'hub-secret-0123456789', 'panel-a': 'a-secret-0123456789', 'panel-b': 'b-secret-01234' };
const APP_PASSWORD = 'app-secret-0123456789';
/** What the hub would answer: app device → the panels of its resident's buildings. */
const PANELS_OF: Record<string, string[]> = {
  'app-a1': ['panel-a'],
  'app-a2': ['panel-a'],
  'app-a3': ['panel-a'],
  'app-flood': ['panel-a'],
};

describe('embedded broker: app devices', () => {
  const clock = new FakeClock();
  const aclQuestions: string[] = [];
  const broker = new EmbeddedBroker({
    users,
    hubUser: 'hub',
    appDeviceAuth: async (username, password) => username in PANELS_OF && password === APP_PASSWORD,
    appDeviceAcl: async (username, topic) => {
      aclQuestions.push(`${username} ${topic}`);
      return (PANELS_OF[username] ?? []).some((p) => topic === callTopic(p, 'from', username));
    },
    appDevicePublishLimits: { ratePerS: 5, burst: 10 },
    clock,
    logger: silentLogger,
  });
  const clients: MqttClient[] = [];

  beforeAll(() => broker.start());
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await broker.stop();
  });

  async function connect(username: string, password: string) {
    const { client } = await connectClient(broker.url(), { protocolVersion: 4, username, password });
    clients.push(client);
    const seen: string[] = [];
    let closed = false;
    client.on('message', (topic, payload) => seen.push(`${topic} ${payload.toString()}`));
    client.on('close', () => {
      closed = true;
    });
    return { client, seen, closed: () => closed };
  }

  it('refuses a resident of building A calling a panel of building B, and delivers to its own', async () => {
    const a = await connect('panel-a', users['panel-a']);
    const b = await connect('panel-b', users['panel-b']);
    await a.client.subscribeAsync(panelCallFilter('panel-a'), { qos: 1 });
    await b.client.subscribeAsync(panelCallFilter('panel-b'), { qos: 1 });

    const app = await connect('app-a1', APP_PASSWORD);
    await app.client.publishAsync(callTopic('panel-a', 'from', 'app-a1'), 'answer', { qos: 1 });
    await until(() => a.seen.length === 1, 'the answer at panel-a');
    await app.client.publishAsync(callTopic('panel-a', 'from', 'app-a1'), 'again', { qos: 1 });
    await until(() => a.seen.length === 2, 'the second answer at panel-a');
    // Asked once, then cached.
    expect(aclQuestions.filter((q) => q.startsWith('app-a1 '))).toHaveLength(1);

    app.client.publish(callTopic('panel-b', 'from', 'app-a1'), 'cross-building', { qos: 1 });
    await until(() => app.closed(), 'the offender disconnected');
    // A marker the panel may receive: anything routed earlier would have arrived before it.
    const other = await connect('app-a2', APP_PASSWORD);
    await other.client.publishAsync(callTopic('panel-a', 'from', 'app-a2'), 'marker', { qos: 1 });
    await until(() => a.seen.length === 3, 'the marker at panel-a');
    expect(b.seen).toEqual([]);
  });

  it('refuses retained call messages', async () => {
    const app = await connect('app-a1', APP_PASSWORD);
    app.client.publish(callTopic('panel-a', 'from', 'app-a1'), 'sticky', { qos: 1, retain: true });
    await until(() => app.closed(), 'the offender disconnected');
  });

  it('disconnects a revoked app device at once and refuses it from then on', async () => {
    const panel = await connect('panel-a', users['panel-a']);
    const app = await connect('app-a2', APP_PASSWORD);
    await app.client.subscribeAsync(appDeviceCallFilter('app-a2'), { qos: 1 });
    await panel.client.publishAsync(callTopic('panel-a', 'to', 'app-a2'), 'ring', { qos: 1 });
    await until(() => app.seen.length === 1, 'the ring');

    await broker.revoke(['app-a2']);
    await until(() => app.closed(), 'the revoked device disconnected');
    await expect(connect('app-a2', APP_PASSWORD)).rejects.toThrow();
  });

  it("revokes through the hub's deleteClient control command, as on Mosquitto", async () => {
    const hub = await connect('hub', users.hub);
    const app = await connect('app-a3', APP_PASSWORD);
    await (await MosquittoAppDevices.overClient(hub.client)).revoke(['app-a3']);
    await until(() => app.closed(), 'the revoked device disconnected');
    await expect(connect('app-a3', APP_PASSWORD)).rejects.toThrow();
    // Only the hub may send control commands.
    const panel = await connect('panel-a', users['panel-a']);
    panel.client.publish('$CONTROL/dynamic-security/v1', '{"commands":[]}', { qos: 1 });
    await until(() => panel.closed(), 'the panel disconnected');
  });

  it('cuts off an app device beyond its publish rate, and counts what it refused', async () => {
    const panel = await connect('panel-a', users['panel-a']);
    await panel.client.subscribeAsync(panelCallFilter('panel-a'), { qos: 1 });
    const app = await connect('app-flood', APP_PASSWORD);
    const topic = callTopic('panel-a', 'from', 'app-flood');
    // The burst (10) passes; the clock does not move, so the 11th has no token.
    for (let i = 0; i < 10; i++) await app.client.publishAsync(topic, `m${i}`, { qos: 1 });
    await until(() => panel.seen.length === 10, 'the burst at the panel');
    const before = broker.refusedPublishes();
    app.client.publish(topic, 'one too many', { qos: 1 });
    await until(() => app.closed(), 'the flooding device disconnected');
    expect(broker.refusedPublishes()).toBe(before + 1);

    // Refilled at 5/s: after a second it may publish again.
    clock.advance(1000);
    const again = await connect('app-flood', APP_PASSWORD);
    await again.client.publishAsync(topic, 'calm', { qos: 1 });
    await until(() => panel.seen.includes(`${topic} calm`), 'a publish after the refill');
  });
});
