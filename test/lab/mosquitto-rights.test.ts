import { readFileSync } from 'node:fs';
import type { IClientOptions, MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MosquittoAppDevices } from '../../cloud-sync/broker/mosquitto-dynsec.ts';
import { appDeviceCallFilter, callTopic } from '../../cloud-sync/protocol/calls.ts';
import { deviceTopic } from '../../cloud-sync/protocol/topics.ts';
import { type MosquittoHandle, startMosquitto } from '../../scripts/lab/mosquitto.ts';
import { until } from '../../scripts/lab/until.ts';
import { connectClient } from '../support/mqtt-client.ts';
import { tempDir } from '../support/temp-dir.ts';
import { makeTestPki, type TestPki } from '../support/tls-certs.ts';

// The shipped deployment (deploy/mosquitto/, TLS with the test CA) as an attacker with one credential
// would try it: per-leaf panel rights, a panel's login taking another panel's client id, a resident of
// building A calling into building B, and an app device revoked while connected.

const USERS = { hub: 'hub-secret-0123', 'panel-a': 'a-secret-0123', 'panel-b': 'b-secret-0123' };
const NOT_AUTHORIZED = 135;
const APP_A = 'app-aaaa000000000001'; // a resident of building A (panel-a)
const APP_PASSWORD = 'app-password-0123456789';

describe('the shipped Mosquitto deployment (TLS, ACL, dynamic security)', () => {
  let pki: TestPki;
  let broker: MosquittoHandle;
  let hub: Client;
  let appDevices: MosquittoAppDevices;
  const open: MqttClient[] = [];

  interface Client {
    client: MqttClient;
    received: { topic: string; payload: string; retain: boolean }[];
    closed: () => boolean;
  }

  async function connect(username: string, password: string, extra: IClientOptions = {}): Promise<Client> {
    const received: Client['received'] = [];
    let closed = false;
    const { client } = await connectClient(
      `mqtts://127.0.0.1:${broker.port}`,
      { username, password, ca: readFileSync(pki.caCert), ...extra },
      () => {},
    );
    client.on('message', (topic, payload, packet) =>
      received.push({ topic, payload: payload.toString(), retain: packet.retain }),
    );
    client.on('close', () => {
      closed = true;
    });
    open.push(client);
    return { client, received, closed: () => closed };
  }

  /** Publishes a marker `to` may read and waits for it: earlier messages would have arrived by then. */
  async function flush(from: MqttClient, to: Client, topic: string): Promise<void> {
    const marker = `sentinel-${Math.random()}`;
    await from.publishAsync(topic, marker, { qos: 1 });
    await until(() => to.received.some((m) => m.payload === marker), `sentinel on ${topic}`);
  }

  beforeAll(async () => {
    pki = makeTestPki(tempDir('portvakt-pki-'));
    broker = await startMosquitto({
      users: USERS,
      tls: { caFile: pki.caCert, certFile: pki.serverCert, keyFile: pki.serverKey },
    });
    hub = await connect('hub', USERS.hub, { clientId: 'hub' });
    appDevices = await MosquittoAppDevices.overClient(hub.client);
  });
  afterEach(async () => {
    await Promise.all(open.splice(1).map((c) => c.endAsync(true)));
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.endAsync(true)));
    await broker?.stop();
  });

  it("refuses a panel's login writing what the hub sends, for itself: config/desired, events/ack, commands", async () => {
    const a = await connect('panel-a', USERS['panel-a']);
    await a.client.subscribeAsync(deviceTopic('panel-a', 'config/desired'), { qos: 1 });
    for (const leaf of ['config/desired', 'config/patch', 'events/ack', 'commands'] as const) {
      await expect(
        a.client.publishAsync(deviceTopic('panel-a', leaf), '{"forged":true}', { qos: 1, retain: true }),
      ).rejects.toMatchObject({ code: NOT_AUTHORIZED });
    }
    // Nothing was retained: a fresh subscriber gets only what the hub publishes.
    await flush(hub.client, a, deviceTopic('panel-a', 'config/desired'));
    expect(a.received.map((m) => m.payload)).not.toContain('{"forged":true}');
    await hub.client.publishAsync(deviceTopic('panel-a', 'config/desired'), '', { qos: 1, retain: true });
  });

  it("delivers nothing of another panel's subtree to a panel, and refuses its writes there", async () => {
    const a = await connect('panel-a', USERS['panel-a']);
    const b = await connect('panel-b', USERS['panel-b']);
    await a.client.subscribeAsync(['portvakt/v1/devices/panel-b/#', '#'], { qos: 1 });
    await b.client.subscribeAsync(deviceTopic('panel-b', 'commands'), { qos: 1 });
    await expect(
      a.client.publishAsync(deviceTopic('panel-b', 'events'), 'forged', { qos: 1 }),
    ).rejects.toMatchObject({ code: NOT_AUTHORIZED });
    await hub.client.publishAsync(deviceTopic('panel-b', 'commands'), 'b-command', { qos: 1 });
    await until(() => b.received.length === 1, 'the command at panel-b');
    await flush(hub.client, a, deviceTopic('panel-a', 'commands'));
    expect(a.received.map((m) => m.topic)).toEqual([deviceTopic('panel-a', 'commands')]);
  });

  it("does not let one panel's login take another panel's client id (use_username_as_clientid)", async () => {
    const b = await connect('panel-b', USERS['panel-b']);
    await b.client.subscribeAsync(deviceTopic('panel-b', 'commands'), { qos: 1 });
    // panel-a asks for panel-b's client id; the broker uses its username instead.
    const impostor = await connect('panel-a', USERS['panel-a'], { clientId: 'panel-b' });
    await flush(hub.client, b, deviceTopic('panel-b', 'commands'));
    expect(b.closed()).toBe(false);
    expect(impostor.closed()).toBe(false);
    expect(broker.output()).toMatch(/as panel-a \(p5, c1, k60, u'panel-a'\)/);
    // The setting is per listener: placed globally it would also open a plain default listener on 1883.
    expect(broker.output()).not.toMatch(/port 1883/);
  });

  it('lets an app device call only panels of its resident’s buildings, and revokes it at once', async () => {
    await appDevices.admit(APP_A, APP_PASSWORD, ['panel-a']);
    const a = await connect('panel-a', USERS['panel-a']);
    const b = await connect('panel-b', USERS['panel-b']);
    await a.client.subscribeAsync('portvakt/v1/devices/panel-a/calls/from/+', { qos: 1 });
    await b.client.subscribeAsync('portvakt/v1/devices/panel-b/calls/from/+', { qos: 1 });
    const app = await connect(APP_A, APP_PASSWORD);
    await app.client.subscribeAsync(appDeviceCallFilter(APP_A), { qos: 1 });

    await expect(
      app.client.publishAsync(callTopic('panel-b', 'from', APP_A), 'cross-building', { qos: 1 }),
    ).rejects.toMatchObject({ code: NOT_AUTHORIZED });
    for (const topic of [deviceTopic('panel-a', 'commands'), deviceTopic(APP_A, 'state')])
      await expect(app.client.publishAsync(topic, 'x', { qos: 1 })).rejects.toMatchObject({
        code: NOT_AUTHORIZED,
      });
    await app.client.publishAsync(callTopic('panel-a', 'from', APP_A), 'answer', { qos: 1 });
    await until(() => a.received.length === 1, 'the answer at panel-a');
    // The refusal above is Mosquitto's PUBACK: the message was dropped, never routed.
    expect(b.received).toEqual([]);

    await appDevices.revoke([APP_A]);
    await until(() => app.closed(), 'the revoked app device disconnected');
    await expect(connect(APP_A, APP_PASSWORD)).rejects.toMatchObject({ code: NOT_AUTHORIZED });
    await appDevices.revoke([APP_A]); // twice is fine
  });
});
