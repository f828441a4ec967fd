import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../cloud-sync/hub/main.ts';
import { callTopic } from '../../cloud-sync/protocol/calls.ts';
import { type MosquittoHandle, startMosquitto } from '../../scripts/lab/mosquitto.ts';
import { until } from '../../scripts/lab/until.ts';
import { seed } from '../cloud-sync/hub/hub-harness.ts';
import { loginResident } from '../cloud-sync/hub/resident-harness.ts';
import { adminApi, bearer, startTestHub } from '../support/hub.ts';
import { connectClient } from '../support/mqtt-client.ts';
import { tempDir } from '../support/temp-dir.ts';

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
      residentApp: {
        brokerWsUrl: 'ws://127.0.0.1:9/mqtt',
        brokerAdmission: 'dynamic-security',
        webDir: tempDir(),
      },
      // Ended sessions are revoked at this Mosquitto, as in production.
      appDeviceRevoker: 'broker',
    });
    seed(hub);
    hub.store.entities.create('buildings', { id: 'b2', name: 'Elsewhere 1', timeZone: 'Europe/Stockholm' });
    hub.store.entities.create('panels', { id: 'p9', name: 'Elsewhere', buildingId: 'b2' });
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.endAsync(true)));
    await hub?.stop();
    await broker?.stop();
  });

  async function connectApp(username = APP, password = APP_PASSWORD) {
    const { client } = await connectClient(`mqtt://127.0.0.1:${broker.port}`, { username, password });
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

  it("admits a resident's app device at login, for the panels of the resident's building only", async () => {
    const { mqtt } = await loginResident(adminApi(hub), 'alice');
    const app = await connectApp(mqtt!.username, mqtt!.password);
    await app.client.publishAsync(callTopic('p1', 'from', mqtt!.username), 'answer', { qos: 1 });
    await app.client.publishAsync(callTopic('p2', 'from', mqtt!.username), 'answer', { qos: 1 });
    await expect(
      app.client.publishAsync(callTopic('p9', 'from', mqtt!.username), 'cross-building', { qos: 1 }),
    ).rejects.toMatchObject({ code: NOT_AUTHORIZED });
    await hub.appDeviceBroker.revoke([mqtt!.username]);
    await until(() => app.closed(), 'the revoked app device disconnected');
  });
  it('disconnects an app device its resident logs out from another device, and admits it no more', async () => {
    const call = adminApi(hub);
    const phone = await loginResident(call, 'bob', 'Phone');
    const tablet = await call(
      'POST',
      '/api/v1/resident/login',
      { residentId: 'bob', password: phone.loginPassword, deviceName: 'Tablet' },
      { 'content-type': 'application/json' },
    );
    const { username, password } = tablet.body.mqtt as { username: string; password: string };
    const app = await connectApp(username, password);
    await app.client.publishAsync(callTopic('p1', 'from', username), 'answer', { qos: 1 });

    const out = await call('DELETE', `/api/v1/resident/devices/${username}`, undefined, bearer(phone.token));
    expect(out.status).toBe(204);
    await until(() => app.closed(), 'the logged-out tablet disconnected');
    await expect(connectApp(username, password)).rejects.toMatchObject({ code: NOT_AUTHORIZED });
  });
});
