/**
 * The hub's part that benchmarks of the panel need, on an MQTT client logged in as the hub: it watches the
 * panel's `state` and acknowledges every events batch at once, so the panel's outbox drains as it would
 * with a real hub, without the hub's own work in the figures.
 */
import type { MqttClient } from 'mqtt';
import { deviceTopic } from '../../cloud-sync/protocol/topics.ts';

export async function ackEventsAsHub(hub: MqttClient, panelId: string): Promise<{ online: () => boolean }> {
  const stateTopic = deviceTopic(panelId, 'state');
  const eventsTopic = deviceTopic(panelId, 'events');
  let online = false;
  hub.on('message', (topic, payload) => {
    const message = JSON.parse(payload.toString()) as { status?: string; events?: { seq: number }[] };
    if (topic === stateTopic) online = message.status === 'online';
    if (topic !== eventsTopic || !message.events?.length) return;
    const upToSeq = Math.max(...message.events.map((e) => e.seq));
    void hub.publishAsync(deviceTopic(panelId, 'events/ack'), JSON.stringify({ protocol: 1, upToSeq }));
  });
  await hub.subscribeAsync([stateTopic, eventsTopic], { qos: 1 });
  return { online: () => online };
}
