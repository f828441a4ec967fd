/**
 * The resident app's world for browser tests: the embedded broker with its WebSocket listener (app
 * devices authenticated by the hub's HTTP auth backend, as in `npm start`), a hub serving the freshly
 * built app at /app/, a small building, and a fake panel — an MQTT client logged in as the panel — that
 * receives the hub's commands and plays the panel's side of call signaling.
 */
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { EmbeddedBroker } from '../../../cloud-sync/broker/embedded-broker.ts';
import { hubAppDeviceAcl, hubAppDeviceAuth } from '../../../cloud-sync/broker/hub-auth.ts';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import {
  callTopic,
  type PanelCallMessageInput,
  panelCallFilter,
} from '../../../cloud-sync/protocol/calls.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { buildResidentApp } from '../../../scripts/build-web.ts';
import { adminApi, startTestHub } from '../../support/hub.ts';
import { tempDir } from '../../support/temp-dir.ts';

export const PANEL = 'p1';
/** A 1x1 JPEG: what a panel's visitor picture looks like on the wire. */
export const SNAPSHOT =
  'data:image/jpeg;base64,/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=';

export interface Received {
  topic: string;
  payload: Record<string, unknown>;
}

export interface World {
  hub: Hub;
  broker: EmbeddedBroker;
  appUrl: string;
  panel: MqttClient;
  /** Everything the fake panel received under its subtree. */
  received: Received[];
  residentPassword: string;
  /** Publishes a call message from the fake panel to an app device. */
  toApp(appDeviceId: string, message: PanelCallMessageInput | string): Promise<void>;
  stop(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const webDir = tempDir('portvakt-web-');
  await buildResidentApp(webDir);
  const secret = (): string => randomBytes(18).toString('base64url');
  const users = { hub: secret(), [PANEL]: secret() };
  const brokerAuthSecret = secret();
  let hubBase = '';
  const broker = new EmbeddedBroker({
    users,
    hubUser: 'hub',
    websocket: { port: 0 },
    appDeviceAuth: (username, password) => hubAppDeviceAuth(hubBase, brokerAuthSecret)(username, password),
    appDeviceAcl: (username, topic, access) =>
      hubAppDeviceAcl(hubBase, brokerAuthSecret)(username, topic, access),
    logger: silentLogger,
  });
  await broker.start();
  const hub = await startTestHub({
    brokerUrl: broker.url(),
    protocolVersion: 4,
    clientId: 'hub',
    username: 'hub',
    password: users.hub,
    residentApp: { brokerWsUrl: broker.wsUrl(), brokerAuthSecret, webDir },
  });
  hubBase = `http://127.0.0.1:${hub.apiAddress().port}`;
  seed(hub);
  const set = await adminApi(hub)('POST', '/api/v1/residents/alice/login');
  const { password } = set.body as { password: string };

  const panel = await mqtt.connectAsync(broker.url(), {
    protocolVersion: 4,
    clientId: PANEL,
    username: PANEL,
    password: users[PANEL],
    reconnectPeriod: 0,
  });
  const received: Received[] = [];
  panel.on('message', (topic, payload) => {
    try {
      received.push({ topic, payload: JSON.parse(payload.toString()) as Record<string, unknown> });
    } catch {}
  });
  // What a panel may read (broker-rights.ts): call messages from app devices and the hub's commands.
  await panel.subscribeAsync([panelCallFilter(PANEL), `portvakt/v1/devices/${PANEL}/commands`], { qos: 1 });
  return {
    hub,
    broker,
    appUrl: `${hubBase}/app/`,
    panel,
    received,
    residentPassword: password,
    toApp: async (appDeviceId, message) => {
      const payload = typeof message === 'string' ? message : JSON.stringify(message);
      await panel.publishAsync(callTopic(PANEL, 'to', appDeviceId), payload, { qos: 1 });
    },
    stop: async () => {
      await panel.endAsync(true);
      await hub.stop();
      await broker.stop();
    },
  };
}

function seed(hub: Hub): void {
  const e = hub.store.entities;
  e.create('buildings', { id: 'b1', name: 'Storgatan 12', timeZone: 'Europe/Stockholm' });
  e.create('panels', { id: PANEL, name: 'Entrance A', buildingId: 'b1' });
  e.create('doors', { id: 'front-door', panelId: PANEL, name: 'Front door' });
  e.create('doors', { id: 'bike-room', panelId: PANEL, name: 'Bike room' });
  e.create('units', { id: 'u1', buildingId: 'b1', name: '1101' });
  e.create('residents', { id: 'alice', unitId: 'u1', name: 'Alice Andersson', ringtone: 'chime' });
  e.create('accessRules', { id: 'r1', residentId: 'alice', doorId: 'front-door' });
  e.create('accessRules', {
    id: 'r2',
    residentId: 'alice',
    doorId: 'bike-room',
    validFrom: Date.now() + 86_400_000,
  });
  e.create('doorbells', {
    id: 'bell-u1',
    panelId: PANEL,
    unitId: 'u1',
    type: 'family',
    displayText: 'Andersson',
  });
}

/** A ring as the panel sends it. */
export function ring(callId: string, extra: Partial<Record<string, unknown>> = {}): PanelCallMessageInput {
  const now = Date.now();
  return {
    protocol: 1,
    type: 'ring',
    callId,
    sentAt: now,
    bellId: 'bell-u1',
    bellText: 'Andersson',
    panelName: 'Entrance A',
    residentId: 'alice',
    ringtone: 'chime',
    ringUntil: now + 30_000,
    snapshot: SNAPSHOT,
    ...extra,
  } as PanelCallMessageInput;
}
