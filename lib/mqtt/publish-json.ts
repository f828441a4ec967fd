/**
 * Publishes a JSON payload (bytes are sent as they are: signed messages); settles when the broker has
 * taken the message (the PUBACK, at QoS 1).
 */
import type { MqttClient } from 'mqtt';

export function publishJson(
  client: MqttClient,
  topic: string,
  payload: unknown,
  options: { qos: 0 | 1; retain?: boolean | undefined },
): Promise<void> {
  return new Promise((resolve, reject) => {
    client.publish(
      topic,
      payload instanceof Uint8Array ? Buffer.from(payload) : JSON.stringify(payload),
      { qos: options.qos, retain: options.retain ?? false },
      (err) => (err ? reject(err) : resolve()),
    );
  });
}
