/**
 * Residents' app devices without a browser, for the 8-peer tap bench: each logs in to the panel's broker
 * as an app device (MQTT, username = client id = app device id), answers every offer the panel sends it
 * with a werift viewer (media-receiver.ts) and closes that viewer when the panel stops or ends the call.
 * Nobody presses Accept: the video is the early media every rung device gets while it rings. They run in
 * the receivers process (media-receivers.ts), so their SRTP work is not the panel's.
 */
import mqtt, { type MqttClient } from 'mqtt';
import {
  type AppCallMessageInput,
  appDeviceCallFilter,
  callTopic,
  type PanelCallMessage,
  panelCallMessage,
} from '../../cloud-sync/protocol/calls.ts';
import { Receiver } from './media-receiver.ts';

export interface AppDeviceLogins {
  /** mqtt://host:port of the panel's sync broker. */
  brokerUrl: string;
  panelId: string;
  devices: { id: string; password: string }[];
}

/** Connects every device; `viewers` holds each device's current viewer under its app device id. */
export async function connectAppDevices(
  logins: AppDeviceLogins,
  viewers: Map<string, Receiver>,
): Promise<() => Promise<void>> {
  const clients: MqttClient[] = [];
  const disconnect = async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    for (const { id } of logins.devices) {
      const viewer = viewers.get(id);
      viewers.delete(id);
      await viewer?.close();
    }
  };
  try {
    for (const { id, password } of logins.devices) {
      const client = await mqtt.connectAsync(logins.brokerUrl, {
        clientId: id,
        username: id,
        password,
        protocolVersion: 4,
        reconnectPeriod: 0,
      });
      clients.push(client);
      const send = (message: AppCallMessageInput) =>
        client.publishAsync(callTopic(logins.panelId, 'from', id), JSON.stringify(message), { qos: 1 });
      client.on('message', (_topic, payload) => {
        const parsed = panelCallMessage.safeParse(JSON.parse(payload.toString()));
        if (!parsed.success) return;
        onMessage(id, parsed.data, viewers, send).catch((err: unknown) =>
          process.stderr.write(`app device ${id}: ${String(err)}\n`),
        );
      });
      await client.subscribeAsync(appDeviceCallFilter(id), { qos: 1 });
    }
  } catch (err) {
    await disconnect();
    throw err;
  }
  return disconnect;
}

async function onMessage(
  id: string,
  message: PanelCallMessage,
  viewers: Map<string, Receiver>,
  send: (message: AppCallMessageInput) => Promise<unknown>,
): Promise<void> {
  // The offer rides in the ring when the panel had it ready, else it follows as its own message.
  const offer = message.type === 'offer' ? message.sdp : message.type === 'ring' ? message.offer : undefined;
  if (offer !== undefined) {
    await viewers.get(id)?.close();
    const viewer = new Receiver();
    viewers.set(id, viewer);
    const sdp = await viewer.answer(offer);
    await send({ protocol: 1, type: 'answer', callId: message.callId, sdp });
  } else if (message.type === 'stop' || message.type === 'ended') {
    const viewer = viewers.get(id);
    viewers.delete(id);
    await viewer?.close();
  }
}
