import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../cloud-sync/hub/main.ts';
import { callTopic } from '../../cloud-sync/protocol/calls.ts';
import { type MosquittoHandle, startMosquitto } from '../../scripts/lab/mosquitto.ts';
import { until } from '../../scripts/lab/until.ts';
import { startTestHub } from '../support/hub.ts';
import { connectClient } from '../support/mqtt-client.ts';

// The hub's own MQTT connection manages app devices on the shipped Mosquitto deployment: the answers
// to its dynamic security commands come back on its private subscription, and a revoke disconnects.

const USERS = { hub: 'hub-secret-0123456789', p1: 'p1-secret-0123456789' };
const APP = 'app-0123456789abcdef';
const APP_PASSWORD = 'app-password-0123456789';
const NOT_AUTHORIZED = 135;

describe('hub ↔ Mosquitto dynamic security', () => {
  let broker: MosquittoHandle;
  let hub: Hub;
  const open: MqttClient[] = [];

  beforeAll(async () => {
    broker = await startMosquitto({ users: USERS });
    hub = await startTestHub({
      brokerUrl: `mqtt://127.0.0.1:${broker.port}`,
      protocolVersion: 5,
      username: 'hub',
      password: USERS.hub,
    });
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.endAsync(true)));
    await hub?.stop();
    await broker?.stop();
  });

  async function connectApp() {
    const { client } = await connectClient(`mqtt://127.0.0.1:${broker.port}`, {
      username: APP,
      password: APP_PASSWORD,
    });
    open.push(client);
    let closed = false;
    client.on('close', () => {
      closed = true;
    });
    return { client, closed: () => closed };
  }

  it('admits an app device for its panels only, and disconnects it on revoke', async () => {
    await expect(connectApp()).rejects.toMatchObject({ code: NOT_AUTHORIZED });
    await hub.appDeviceBroker.admit(APP, APP_PASSWORD, ['p1']);
    const app = await connectApp();
    await app.client.publishAsync(callTopic('p1', 'from', APP), 'answer', { qos: 1 });
    await expect(
      app.client.publishAsync(callTopic('p2', 'from', APP), 'elsewhere', { qos: 1 }),
    ).rejects.toMatchObject({ code: NOT_AUTHORIZED });

    await hub.appDeviceBroker.revoke([APP]);
    await until(() => app.closed(), 'the revoked app device disconnected');
    await expect(connectApp()).rejects.toMatchObject({ code: NOT_AUTHORIZED });
  });
});
