import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MosquittoAppDevices } from '../../cloud-sync/broker/mosquitto-dynsec.ts';
import { appDeviceCallFilter, callTopic, panelCallFilter } from '../../cloud-sync/protocol/calls.ts';
import { type MosquittoHandle, startMosquitto } from '../../scripts/lab/mosquitto.ts';
import { until } from '../../scripts/lab/until.ts';
import { connectClient } from '../support/mqtt-client.ts';

// Call signaling on a real Mosquitto: residents' app devices connect over WebSocket; the hub admits them
// through the dynamic security plugin (mosquitto-dynsec.ts), so each reads only …/calls/to/<itself> and
// writes only …/calls/from/<itself>: the topic a panel receives a message on proves which device sent it.

const USERS = {
  hub: 'hub-secret-0123',
  p1: 'p1-secret-0123',
  'app-aaaa': 'app-a-secret-0123',
  'app-bbbb': 'app-b-secret-0123',
};
const BROKER_USERS = { hub: USERS.hub, p1: USERS.p1 };
const NOT_AUTHORIZED = 135;

describe('mosquitto: app device call ACL over WebSocket', () => {
  let broker: MosquittoHandle;
  const open: MqttClient[] = [];

  beforeAll(async () => {
    broker = await startMosquitto({ users: BROKER_USERS, websockets: true });
    const hub = await connect(`mqtt://127.0.0.1:${broker.port}`, 'hub');
    const appDevices = await MosquittoAppDevices.overClient(hub.client);
    await appDevices.admit('app-aaaa', USERS['app-aaaa'], ['p1']);
    await appDevices.admit('app-bbbb', USERS['app-bbbb'], ['p1']);
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.endAsync(true)));
    await broker?.stop();
  });

  async function connect(url: string, username: keyof typeof USERS) {
    const received: string[] = [];
    const { client } = await connectClient(url, { username, password: USERS[username] }, (topic, payload) =>
      received.push(`${topic} ${payload.toString()}`),
    );
    open.push(client);
    return { client, received };
  }
  const overWs = (username: keyof typeof USERS) =>
    connect(`ws://127.0.0.1:${broker.websocketPort}`, username);

  it('refuses a resident writing another device\'s "from" topic, and delivers its own', async () => {
    const panel = await connect(`mqtt://127.0.0.1:${broker.port}`, 'p1');
    await panel.client.subscribeAsync(panelCallFilter('p1'), { qos: 1 });
    const a = await overWs('app-aaaa');

    const forged = a.client.publishAsync(callTopic('p1', 'from', 'app-bbbb'), 'forged-open', { qos: 1 });
    await expect(forged).rejects.toMatchObject({ code: NOT_AUTHORIZED });
    // Pretending to be the panel that rings another device.
    await expect(
      a.client.publishAsync(callTopic('p1', 'to', 'app-bbbb'), 'fake-ring', { qos: 1 }),
    ).rejects.toMatchObject({ code: NOT_AUTHORIZED });

    await a.client.publishAsync(callTopic('p1', 'from', 'app-aaaa'), 'decline', { qos: 1 });
    await until(() => panel.received.length > 0, 'the decline at the panel');
    expect(panel.received).toEqual([`${callTopic('p1', 'from', 'app-aaaa')} decline`]);
  });

  it("delivers a panel's call messages only to the device they are addressed to", async () => {
    const panel = await connect(`mqtt://127.0.0.1:${broker.port}`, 'p1');
    const a = await overWs('app-aaaa');
    const b = await overWs('app-bbbb');
    await a.client.subscribeAsync(appDeviceCallFilter('app-aaaa'), { qos: 1 });
    // Mosquitto grants a foreign filter and then delivers nothing on it.
    await a.client.subscribeAsync(appDeviceCallFilter('app-bbbb'), { qos: 1 });
    await b.client.subscribeAsync(appDeviceCallFilter('app-bbbb'), { qos: 1 });
    await panel.client.publishAsync(callTopic('p1', 'to', 'app-bbbb'), 'ring-b', { qos: 1 });
    await panel.client.publishAsync(callTopic('p1', 'to', 'app-aaaa'), 'ring-a', { qos: 1 });
    await until(() => a.received.length > 0 && b.received.length > 0, 'a ring at each app device');
    expect(a.received).toEqual([`${callTopic('p1', 'to', 'app-aaaa')} ring-a`]);
    expect(b.received).toEqual([`${callTopic('p1', 'to', 'app-bbbb')} ring-b`]);
  });
});
