/** A private Mosquitto (MQTT 5; aedes speaks only 3.1.1) with the product ACL, and a hub-side client. */
import mqtt, { type MqttClient } from 'mqtt';
import { type MosquittoHandle, startMosquitto } from '../../../scripts/lab/mosquitto.ts';

export const PANEL_PASSWORD = 'panel-password-0123456789';
export const HUB_PASSWORD = 'hub-password-0123456789';

export function startBroker(deviceId: string): Promise<MosquittoHandle> {
  return startMosquitto({ users: { [deviceId]: PANEL_PASSWORD, hub: HUB_PASSWORD } });
}

export interface HubMessage {
  leaf: string;
  payload: Record<string, unknown>;
  retain: boolean;
}

/** Connects as the hub and records everything under the device's subtree. */
export async function hubClient(port: number, deviceId: string) {
  const client: MqttClient = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    protocolVersion: 5,
    clientId: 'hub',
    username: 'hub',
    password: HUB_PASSWORD,
    reconnectPeriod: 200,
  });
  client.on('error', () => {});
  const received: HubMessage[] = [];
  const prefix = `portvakt/v1/devices/${deviceId}/`;
  client.on('message', (topic, payload, packet) => {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(payload.toString()) as Record<string, unknown>;
    } catch {
      return; // its own signed config, back through the subtree subscription: not JSON
    }
    received.push({ leaf: topic.slice(prefix.length), payload: json, retain: packet.retain });
  });
  await client.subscribeAsync(`${prefix}#`, { qos: 1 });
  return {
    client,
    received,
    on: (leaf: string) => received.filter((m) => m.leaf === leaf).map((m) => m.payload),
    publish: (leaf: string, payload: unknown, retain = false) =>
      client.publishAsync(
        `${prefix}${leaf}`,
        // Bytes (signed config) as they are; anything else as JSON.
        Buffer.isBuffer(payload) ? payload : JSON.stringify(payload),
        { qos: 1, retain },
      ),
    close: () => client.endAsync(true),
  };
}
