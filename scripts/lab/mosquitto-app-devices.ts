/**
 * Admits residents' app devices to a lab Mosquitto the way the hub does in production: as the hub user,
 * through the dynamic security plugin (cloud-sync/broker/mosquitto-dynsec.ts), each device confined to
 * calls with the panels listed. For tests and benchmarks that need an app device without a whole hub.
 */
import mqtt from 'mqtt';
import { MosquittoAppDevices } from '../../cloud-sync/broker/mosquitto-dynsec.ts';
import { LAB_HUB_USER } from './mosquitto.ts';

export interface LabAppDevice {
  id: string;
  password: string;
  panelIds: readonly string[];
}

export async function admitAppDevices(
  port: number,
  hubPassword: string,
  devices: readonly LabAppDevice[],
): Promise<void> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    username: LAB_HUB_USER,
    password: hubPassword,
    clientId: LAB_HUB_USER,
    protocolVersion: 5,
    reconnectPeriod: 0,
  });
  try {
    const admin = await MosquittoAppDevices.overClient(client);
    for (const d of devices) await admin.admit(d.id, d.password, d.panelIds);
  } finally {
    await client.endAsync();
  }
}
