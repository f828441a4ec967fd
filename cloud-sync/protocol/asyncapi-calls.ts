/**
 * The call signaling part of the AsyncAPI document: one channel per direction between a panel and an app
 * device, addressed by both ids. Kept beside asyncapi.ts because these channels have a second parameter
 * and a different authority (the app device's broker login proves the sender).
 */
import { z } from 'zod';
import { APP_DEVICE_ID_PATTERN, CALL_CHANNELS, type CallDirection, callMessageSchemas } from './calls.ts';
import { TOPIC_ROOT } from './topics.ts';

export const CALL_CHANNEL_IDS: Record<CallDirection, string> = { to: 'callsTo', from: 'callsFrom' };

/** The panel sends on `to` and receives on `from`; QoS 1, never retained (a call is live or gone). */
export const CALL_DELIVERY: Record<CallDirection, { action: 'send' | 'receive'; qos: 1; retain: false }> = {
  to: { action: 'send', qos: 1, retain: false },
  from: { action: 'receive', qos: 1, retain: false },
};

export function callPayloadJsonSchema(direction: CallDirection): Record<string, unknown> {
  return z.toJSONSchema(callMessageSchemas[direction], {
    io: 'output',
    unrepresentable: 'any',
    target: 'draft-07',
  });
}

export const APP_DEVICE_PARAMETER = {
  description:
    `An app device the resident is logged in on; also its broker username (\`${APP_DEVICE_ID_PATTERN.source}\`). ` +
    `The broker lets an app device read only \`${TOPIC_ROOT}/devices/+/calls/to/%u\` and write only ` +
    `\`${TOPIC_ROOT}/devices/+/calls/from/%u\`, so the topic proves the sender; the panel accepts a message only ` +
    'from a resident the call rang.',
};

export function callChannelParts(payloadFormat: string, bindingVersion: string) {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const direction of ['to', 'from'] as const) {
    const id = CALL_CHANNEL_IDS[direction];
    const { action, qos, retain } = CALL_DELIVERY[direction];
    channels[id] = {
      address: `${TOPIC_ROOT}/devices/{deviceId}/calls/${direction}/{appDeviceId}`,
      title: `calls/${direction}`,
      description: CALL_CHANNELS[direction],
      parameters: {
        deviceId: { $ref: '#/components/parameters/deviceId' },
        appDeviceId: { $ref: '#/components/parameters/appDeviceId' },
      },
      messages: { [id]: { $ref: `#/components/messages/${id}` } },
    };
    operations[`${action}${id[0]!.toUpperCase()}${id.slice(1)}`] = {
      action,
      channel: { $ref: `#/channels/${id}` },
      summary: `${action === 'send' ? 'The panel publishes' : 'The panel receives'}: ${CALL_CHANNELS[direction]}`,
      messages: [{ $ref: `#/channels/${id}/messages/${id}` }],
      bindings: { mqtt: { qos, retain, bindingVersion } },
    };
    messages[id] = {
      name: id,
      title: `calls/${direction} message`,
      contentType: 'application/json',
      payload: { schemaFormat: payloadFormat, schema: callPayloadJsonSchema(direction) },
    };
  }
  return { channels, operations, messages };
}
