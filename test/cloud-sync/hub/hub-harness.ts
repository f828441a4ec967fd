/**
 * Test harness: an aedes broker on a free loopback port (MQTT 3.1.1 — aedes has no MQTT 5, so the hub
 * runs with protocolVersion 4 here), a hub on a temp data dir (test/support/hub.ts), and mqtt.js clients
 * as fake panels.
 */
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { startTestHub } from '../../support/hub.ts';

export interface Broker {
  url: string;
  close(): Promise<void>;
}

export async function startBroker(): Promise<Broker> {
  const aedes = await Aedes.createBroker();
  const server: Server = createServer(aedes.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `mqtt://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function startHub(brokerUrl: string): Promise<Hub> {
  return startTestHub({ brokerUrl, protocolVersion: 4 });
}

export interface FakePanel {
  client: MqttClient;
  /** `payload`: the JSON (of a signed config: its body, `header` its header line); `raw` the bytes. */
  messages: { topic: string; payload: unknown; header?: unknown; raw: Buffer; retain: boolean }[];
  publish(leaf: string, payload: unknown | Buffer): Promise<void>;
  on(leaf: string): FakePanel['messages'];
  close(): Promise<void>;
}

export async function fakePanel(brokerUrl: string, id: string, suffix = ''): Promise<FakePanel> {
  const client = await mqtt.connectAsync(brokerUrl, {
    clientId: `panel-${id}${suffix}`,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  client.on('error', () => {});
  const messages: FakePanel['messages'] = [];
  const prefix = `portvakt/v1/devices/${id}/`;
  client.on('message', (topic, payload, packet) => {
    let parsed: unknown = payload.toString();
    let header: unknown;
    try {
      parsed = JSON.parse(payload.toString());
    } catch {
      // Signed config: a header line, then the JSON body (cloud-sync/protocol/config-signing.ts).
      const newline = payload.indexOf(0x0a);
      try {
        header = JSON.parse(payload.subarray(0, newline).toString());
        parsed = JSON.parse(payload.subarray(newline + 1).toString());
      } catch {}
    }
    messages.push({
      topic: topic.slice(prefix.length),
      payload: parsed,
      header,
      raw: payload,
      retain: packet.retain,
    });
  });
  await client.subscribeAsync(`${prefix}#`, { qos: 1 });
  return {
    client,
    messages,
    publish: async (leaf, payload) => {
      await client.publishAsync(
        `${prefix}${leaf}`,
        Buffer.isBuffer(payload) ? payload : JSON.stringify(payload),
        {
          qos: 1,
        },
      );
    },
    on: (leaf) => messages.filter((m) => m.topic === leaf),
    close: () => client.endAsync(),
  };
}

/** One building, two panels with one door each, a resident on each door with a card. */
export function seed(hub: Hub): void {
  const e = hub.store.entities;
  e.create('buildings', { id: 'b1', name: 'Storgatan 12', timeZone: 'Europe/Stockholm' });
  e.create('panels', { id: 'p1', name: 'Entrance A', buildingId: 'b1' });
  e.create('panels', { id: 'p2', name: 'Entrance B', buildingId: 'b1' });
  e.create('doors', { id: 'door-a', panelId: 'p1', name: 'Door A' });
  e.create('doors', { id: 'door-b', panelId: 'p2', name: 'Door B' });
  e.create('units', { id: 'u1', buildingId: 'b1', name: '1101' });
  e.create('residents', { id: 'alice', unitId: 'u1', name: 'Alice' });
  e.create('residents', { id: 'bob', unitId: 'u1', name: 'Bob' });
  e.create('cards', { id: 'card-alice', uid: '04a1b2c3', residentId: 'alice' });
  e.create('cards', { id: 'card-bob', uid: '04B1B2C3D4E5F6', residentId: 'bob' });
  e.create('timeProfiles', {
    id: 'weekdays',
    buildingId: 'b1',
    name: 'Weekdays',
    intervals: [{ weekday: 0, startMinute: 420, endMinute: 1080 }],
  });
  e.create('accessRules', {
    id: 'r-alice',
    residentId: 'alice',
    doorId: 'door-a',
    timeProfileId: 'weekdays',
  });
  e.create('accessRules', { id: 'r-bob', residentId: 'bob', doorId: 'door-b' });
}
