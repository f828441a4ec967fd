/** A raw MQTT client for tests of brokers and of what goes over them. */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

export interface ConnectedClient {
  client: MqttClient;
  sessionPresent: boolean;
}

/**
 * Connects (MQTT 5, no reconnect, client id = username unless `options` say otherwise: mqtt.js insists
 * on one for clean: false, and the brokers use the username anyway) and resolves on CONNACK.
 *
 * `onMessage` is attached before connecting: a persistent session's queued messages arrive right after
 * CONNACK, before an awaited connect would let the test attach a listener. A refusal rejects with the
 * broker's error (its reason `code`), a close before CONNACK with an error naming the client; either way
 * the client is ended. After CONNACK errors are left to the test (the client's calls reject).
 */
export function connectClient(
  url: string,
  options: IClientOptions,
  onMessage?: (topic: string, payload: Buffer) => void,
): Promise<ConnectedClient> {
  const client = mqtt.connect(url, {
    protocolVersion: 5,
    clientId: options.username,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...options,
  });
  if (onMessage) client.on('message', onMessage);
  return new Promise((resolve, reject) => {
    let connected = false;
    const refused = (err: Error) => {
      if (connected) return;
      client.end(true);
      reject(err);
    };
    // Stays attached: without an 'error' listener mqtt.js would throw a later error at the process.
    client.on('error', refused);
    client.once('close', () =>
      refused(new Error(`${options.clientId ?? options.username}: connection closed before CONNACK`)),
    );
    client.once('connect', (connack) => {
      connected = true;
      resolve({ client, sessionPresent: !!connack.sessionPresent });
    });
  });
}
