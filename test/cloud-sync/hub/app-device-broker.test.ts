import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../../cloud-sync/broker/embedded-broker.ts';
import { hubAppDeviceAcl, hubAppDeviceAuth } from '../../../cloud-sync/broker/hub-auth.ts';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { callTopic } from '../../../cloud-sync/protocol/calls.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { until } from '../../../scripts/lab/until.ts';
import { type AdminApi, adminApi } from '../../support/hub.ts';
import { connectClient } from '../../support/mqtt-client.ts';
import { seed } from './hub-harness.ts';
import { BROKER_SECRET, HUB_BROKER_PASSWORD, loginResident, startResidentHub } from './resident-harness.ts';

// The hub and the embedded broker of `npm start` together: the broker asks the hub which panels an app
// device may call, and the hub revokes app devices at the broker over its own MQTT connection.

describe('hub ↔ embedded broker: app devices', () => {
  let broker: EmbeddedBroker;
  let hub: Hub;
  let call: AdminApi;

  beforeAll(async () => {
    let hubBase = '';
    broker = new EmbeddedBroker({
      users: { hub: HUB_BROKER_PASSWORD },
      hubUser: 'hub',
      appDeviceAuth: (u, p) => hubAppDeviceAuth(hubBase, BROKER_SECRET)(u, p),
      appDeviceAcl: (u, t, a) => hubAppDeviceAcl(hubBase, BROKER_SECRET)(u, t, a),
      logger: silentLogger,
    });
    await broker.start();
    hub = await startResidentHub({ brokerUrl: broker.url(), appDeviceRevoker: 'broker' });
    hubBase = `http://127.0.0.1:${hub.apiAddress().port}`;
    call = adminApi(hub);
    seed(hub);
    hub.store.entities.create('buildings', { id: 'b2', name: 'Elsewhere 1', timeZone: 'Europe/Stockholm' });
    hub.store.entities.create('panels', { id: 'p9', name: 'Elsewhere', buildingId: 'b2' });
    await until(() => hub.mqttConnected, 'hub connected');
  });
  afterAll(async () => {
    await hub?.stop();
    await broker?.stop();
  });

  async function connectApp(residentId: string) {
    const { mqtt } = await loginResident(call, residentId);
    const { client } = await connectClient(broker.url(), {
      protocolVersion: 4,
      username: mqtt!.username,
      password: mqtt!.password,
    });
    let closed = false;
    client.on('close', () => {
      closed = true;
    });
    return { client, mqtt: mqtt!, closed: () => closed };
  }

  it("refuses a resident's call publish to a panel of another building", async () => {
    const app = await connectApp('alice');
    await app.client.publishAsync(callTopic('p1', 'from', app.mqtt.username), '{}', { qos: 1 });
    expect(app.closed()).toBe(false);
    app.client.publish(callTopic('p9', 'from', app.mqtt.username), '{}', { qos: 1 });
    await until(() => app.closed(), 'the cross-building publisher disconnected');
  });

  it('disconnects a connected app device when the hub revokes it, and refuses it from then on', async () => {
    const app = await connectApp('bob');
    await hub.appDeviceBroker.revoke([app.mqtt.username]);
    await until(() => app.closed(), 'the revoked device disconnected');
    await expect(
      connectClient(broker.url(), {
        protocolVersion: 4,
        username: app.mqtt.username,
        password: app.mqtt.password,
      }),
    ).rejects.toThrow();
  });

  it("cuts the app device at the broker when its resident logs out, through the hub's own revoker", async () => {
    const login = await loginResident(call, 'alice', 'Tablet');
    const { client } = await connectClient(broker.url(), {
      protocolVersion: 4,
      username: login.mqtt!.username,
      password: login.mqtt!.password,
    });
    let closed = false;
    client.on('close', () => {
      closed = true;
    });
    const out = await call('POST', '/api/v1/resident/logout', undefined, {
      authorization: `Bearer ${login.token}`,
    });
    expect(out.status).toBe(204);
    // Logout answers once the broker confirmed: the connection is already going.
    await until(() => closed, 'the logged-out device disconnected');
  });
});
