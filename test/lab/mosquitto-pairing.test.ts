/**
 * A panel paired at runtime on the shipped Mosquitto deployment (deploy/mosquitto/, dynamic security):
 * the claim admits the panel's login before the kit can be collected, and the login has exactly a
 * panel's rights in its own subtree (broker-rights.ts, the same table as the ACL file's panel blocks).
 * Pairing the same panel again (reissue) replaces the login: the old password stops working.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../cloud-sync/hub/main.ts';
import {
  kitContext,
  PAIRING_CLAIM_PATH,
  PAIRING_REQUESTS_PATH,
  type PanelKit,
  panelKit,
} from '../../cloud-sync/protocol/pairing.ts';
import { newX25519KeyPair, openSealed } from '../../lib/crypto/sealed-box.ts';
import { type MosquittoHandle, startMosquitto } from '../../scripts/lab/mosquitto.ts';
import { until } from '../../scripts/lab/until.ts';
import { api } from '../support/http.ts';
import { adminApi, startTestHub } from '../support/hub.ts';
import { connectClient } from '../support/mqtt-client.ts';
import { tempDir } from '../support/temp-dir.ts';

const USERS = { hub: 'hub-secret-0123456789' };
const NOT_AUTHORIZED = 135;

describe('pairing on Mosquitto (dynamic security)', () => {
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
      residentApp: { brokerAdmission: 'dynamic-security', webDir: tempDir() },
      pairing: { brokerUrl: `mqtt://127.0.0.1:${broker.port}` },
    });
    await adminApi(hub)('POST', '/api/v1/buildings', {
      id: 'b1',
      name: 'Storgatan 12',
      timeZone: 'Europe/Oslo',
    });
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.endAsync(true)));
    await hub?.stop();
    await broker?.stop();
  });

  /** Asks for a code as a panel does, has it claimed, and collects the kit. */
  async function pair(reissue = false): Promise<PanelKit> {
    const base = `http://127.0.0.1:${hub.apiAddress().port}`;
    const keys = newX25519KeyPair();
    const asked = await api(base, 'POST', PAIRING_REQUESTS_PATH, {
      publicKey: keys.publicKey,
      doors: [{ id: 'relay-1', name: 'Door on relay 1' }],
    });
    const claim = await adminApi(hub)('POST', PAIRING_CLAIM_PATH, {
      code: asked.body.code,
      panelId: 'entrance-a',
      buildingId: 'b1',
      ...(reissue ? { reissue } : {}),
    });
    expect(claim.status, JSON.stringify(claim.body)).toBe(201);
    const polled = await api(base, 'GET', `${PAIRING_REQUESTS_PATH}/${asked.body.requestId}`, undefined, {
      authorization: `Bearer ${asked.body.pollToken}`,
    });
    expect(polled.body.state).toBe('claimed');
    const text = openSealed(keys.privateKey, polled.body.kit, kitContext(asked.body.requestId)).toString();
    return panelKit.parse(JSON.parse(text));
  }

  async function connectPanel(kit: PanelKit, onMessage?: (topic: string) => void) {
    const { client } = await connectClient(
      kit.sync.brokerUrl,
      { username: kit.sync.username, password: kit.sync.password },
      onMessage,
    );
    open.push(client);
    return client;
  }

  it('admits the paired panel with its own subtree only, and replaces its login at a reissue', async () => {
    const kit = await pair();
    const received: string[] = [];
    const panel = await connectPanel(kit, (topic) => received.push(topic));
    const own = (leaf: string) => `portvakt/v1/devices/entrance-a/${leaf}`;
    await panel.publishAsync(own('state'), JSON.stringify({ online: true }), { qos: 1, retain: true });
    await panel.publishAsync(own('events'), '[]', { qos: 1 });
    await expect(panel.publishAsync(own('config/desired'), '{}', { qos: 1 })).rejects.toMatchObject({
      code: NOT_AUTHORIZED,
    });
    await expect(
      panel.publishAsync('portvakt/v1/devices/other/events', '[]', { qos: 1 }),
    ).rejects.toMatchObject({ code: NOT_AUTHORIZED });
    // It reads what the hub sends it: its signed config, retained.
    await panel.subscribeAsync(own('config/desired'), { qos: 1 });
    await until(() => received.includes(own('config/desired')), 'the hub config to reach the panel', 5000);

    const replaced = await pair(true);
    await expect(connectPanel(kit)).rejects.toMatchObject({ code: NOT_AUTHORIZED });
    await connectPanel(replaced);
  });
});
