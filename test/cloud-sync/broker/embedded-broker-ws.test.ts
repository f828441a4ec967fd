import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../../cloud-sync/broker/embedded-broker.ts';
import { appDeviceCallFilter, callTopic, panelCallFilter } from '../../../cloud-sync/protocol/calls.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { until } from '../../../scripts/lab/until.ts';
import { connectClient } from '../../support/mqtt-client.ts';

const users = { hub: 'hub-secret-0123456789', p1: 'p1-secret-0123456789' };
/** What the hub would answer: these app devices are logged in. */
const appDevices: Record<string, string> = {
  'app-aaaa': 'app-a-secret-0123456789',
  'app-bbbb': 'app-b-secret-0123456789',
  'app-cccc': 'app-c-secret-0123456789',
};

describe('embedded broker: app devices over WebSocket', () => {
  const asked: string[] = [];
  const broker = new EmbeddedBroker({
    users,
    hubUser: 'hub',
    websocket: { port: 0 },
    appDeviceAuth: async (username, password) => {
      asked.push(username);
      return appDevices[username] === password;
    },
    logger: silentLogger,
  });
  const clients: MqttClient[] = [];

  beforeAll(() => broker.start());
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await broker.stop();
  });

  async function connect(
    url: string,
    username: string,
    password: string,
    clientId = username,
  ): Promise<MqttClient> {
    const { client } = await connectClient(url, {
      protocolVersion: 4,
      clientId,
      username,
      password,
      connectTimeout: 3000,
    });
    clients.push(client);
    return client;
  }
  const app = (id: string) => connect(broker.wsUrl(), id, appDevices[id]!);
  const seen = (client: MqttClient) => {
    const list: string[] = [];
    client.on('message', (topic, payload) => list.push(`${topic} ${payload.toString()}`));
    return list;
  };

  it('logs app devices in through the hub port, over WebSocket', async () => {
    expect(broker.wsUrl()).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    await app('app-aaaa');
    expect(asked).toContain('app-aaaa');
    await expect(connect(broker.wsUrl(), 'app-aaaa', 'wrong-secret-000000')).rejects.toThrow();
    await expect(connect(broker.wsUrl(), 'app-aaaa', appDevices['app-aaaa']!, 'app-bbbb')).rejects.toThrow();
    await expect(connect(broker.wsUrl(), 'Not An Id', 'whatever-00000000')).rejects.toThrow();
    // The panels' static users work over WebSocket too (same broker).
    await connect(broker.wsUrl(), 'p1', users.p1);
  });

  it('lets an app device subscribe to and read only its own calls/to topics', async () => {
    const a = await app('app-aaaa');
    const b = await app('app-bbbb');
    const panel = await connect(broker.url(), 'p1', users.p1);
    const seenByA = seen(a);
    const seenByB = seen(b);
    await a.subscribeAsync(appDeviceCallFilter('app-aaaa'), { qos: 1 });
    await b.subscribeAsync(appDeviceCallFilter('app-bbbb'), { qos: 1 });
    for (const filter of [
      appDeviceCallFilter('app-bbbb'),
      panelCallFilter('p1'),
      'portvakt/v1/devices/app-aaaa/#',
      'portvakt/v1/devices/+/calls/to/+',
      '#',
    ]) {
      await expect(a.subscribeAsync(filter, { qos: 1 }), filter).rejects.toThrow(/Subscribe error/);
    }
    await panel.publishAsync(callTopic('p1', 'to', 'app-bbbb'), 'ring-for-b', { qos: 1 });
    await panel.publishAsync(callTopic('p1', 'to', 'app-aaaa'), 'ring-for-a', { qos: 1 });
    await until(() => seenByA.length === 1 && seenByB.length === 1, 'one ring at each app device');
    expect(seenByA).toEqual([`${callTopic('p1', 'to', 'app-aaaa')} ring-for-a`]);
  });

  it('lets an app device publish only to its own calls/from topics', async () => {
    const a = await app('app-aaaa');
    const b = await app('app-bbbb');
    const panel = await connect(broker.url(), 'p1', users.p1);
    const seenByPanel = seen(panel);
    const seenByB = seen(b);
    await panel.subscribeAsync(panelCallFilter('p1'), { qos: 1 });
    await b.subscribeAsync(appDeviceCallFilter('app-bbbb'), { qos: 1 });
    await a.publishAsync(callTopic('p1', 'from', 'app-aaaa'), 'decline-from-a', { qos: 1 });
    await until(() => seenByPanel.length === 1, 'the decline at the panel');
    expect(seenByPanel).toEqual([`${callTopic('p1', 'from', 'app-aaaa')} decline-from-a`]);

    // Forged: as another device, as a panel (its "own subtree" must not apply to app devices).
    for (const topic of [
      callTopic('p1', 'from', 'app-bbbb'),
      callTopic('app-cccc', 'to', 'app-bbbb'),
      'portvakt/v1/devices/p1/commands',
    ]) {
      const forger = await app('app-cccc');
      forger.publish(topic, 'forged', { qos: 0 });
      await new Promise<void>((resolve) => forger.once('close', () => resolve()));
    }
    // Markers: once both arrived, anything forged earlier would have arrived too.
    await panel.publishAsync(callTopic('p1', 'to', 'app-bbbb'), 'marker', { qos: 1 });
    await a.publishAsync(callTopic('p1', 'from', 'app-aaaa'), 'marker', { qos: 1 });
    await until(() => seenByB.length === 1 && seenByPanel.length === 2, 'the markers');
    expect([...seenByB, ...seenByPanel].join('\n')).not.toContain('forged');
  });
});
