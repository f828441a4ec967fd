/**
 * The AsyncAPI 3.0.0 document of MQTT protocol v1, generated from the topic table (topics.ts) and the
 * message schemas (messages.ts), so the published contract cannot drift from what the code validates.
 * `npm run asyncapi` writes it to cloud-sync/protocol/asyncapi.json; `npm run asyncapi:check` (part of
 * `npm run check`) fails when the committed file is stale.
 */
import { z } from 'zod';
import { APP_DEVICE_PARAMETER, callChannelParts } from './asyncapi-calls.ts';
import { messageSchemas } from './messages.ts';
import { DEVICE_ID_PATTERN, DEVICE_LEAVES, type DeviceLeaf, PROTOCOL_VERSION, TOPIC_ROOT } from './topics.ts';

export const ASYNCAPI_VERSION = '3.0.0';
const MQTT_BINDING_VERSION = '0.2.0';

/** Payloads are plain JSON Schema draft-07, which every AsyncAPI 3 tool must understand. */
export const PAYLOAD_SCHEMA_FORMAT = 'application/schema+json;version=draft-07';

/**
 * How the panel uses each leaf: `send` = the panel publishes, `receive` = the panel subscribes. Typed by
 * leaf, so a new leaf in DEVICE_LEAVES does not compile until its direction and delivery are decided.
 */
export const LEAF_DELIVERY: Record<
  DeviceLeaf,
  { action: 'send' | 'receive'; qos: 0 | 1 | 2; retain: boolean }
> = {
  state: { action: 'send', qos: 1, retain: true },
  'config/desired': { action: 'receive', qos: 1, retain: true },
  'config/patch': { action: 'receive', qos: 1, retain: false },
  'config/reported': { action: 'send', qos: 1, retain: true },
  'config/request': { action: 'send', qos: 1, retain: false },
  events: { action: 'send', qos: 1, retain: false },
  'events/ack': { action: 'receive', qos: 1, retain: false },
  commands: { action: 'receive', qos: 1, retain: false },
  'commands/result': { action: 'send', qos: 1, retain: false },
};

/** The JSON Schema of a leaf's payload, as it appears in the document. */
export function payloadJsonSchema(leaf: DeviceLeaf): Record<string, unknown> {
  return z.toJSONSchema(messageSchemas[leaf], { io: 'output', unrepresentable: 'any', target: 'draft-07' });
}

/** `config/desired` → `configDesired`: the id of a leaf's channel and message. */
export function leafId(leaf: DeviceLeaf): string {
  return leaf.replace(/\/(.)/g, (_, c: string) => c.toUpperCase());
}

function operationId(leaf: DeviceLeaf): string {
  const id = leafId(leaf);
  return `${LEAF_DELIVERY[leaf].action}${id[0]!.toUpperCase()}${id.slice(1)}`;
}

const DESCRIPTION = `MQTT protocol v${PROTOCOL_VERSION} between a portvakt door-access panel and the cloud hub.

This document is the **panel's** contract: every operation is written from the panel's point of view. \
\`send\` means the panel publishes on the channel; \`receive\` means the panel subscribes to it. The hub \
does the opposite on every channel (it subscribes with \`${TOPIC_ROOT}/devices/+/<leaf>\`).

Everything of one panel lives under \`${TOPIC_ROOT}/devices/{deviceId}/\`, and the broker username is the \
device id, so one ACL pattern (\`${TOPIC_ROOT}/devices/%u/#\`) confines each panel to its own subtree.

Payloads are UTF-8 JSON. Every message carries \`protocol: ${PROTOCOL_VERSION}\`; objects are closed \
(unknown keys are rejected). The payload schemas are generated from the zod schemas the panel and the hub \
validate with, in their output form (fields with defaults are listed as required; a sender may omit them). \
Some rules cannot be expressed in JSON Schema and are enforced by the receivers only, among them: a patch's \`version\` \
is \`baseVersion + 1\`; a command expires after its issue time and at most 60 s later; ids and card uids are \
unique within a snapshot; a command body (base64url in \`commands\`) is Ed25519-signed by the hub key pinned \
at provisioning and single use (nonce).`;

export function asyncApiDocument(): object {
  const leaves = Object.keys(DEVICE_LEAVES) as DeviceLeaf[];
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};

  for (const leaf of leaves) {
    const id = leafId(leaf);
    const { action, qos, retain } = LEAF_DELIVERY[leaf];
    channels[id] = {
      address: `${TOPIC_ROOT}/devices/{deviceId}/${leaf}`,
      title: leaf,
      description: DEVICE_LEAVES[leaf],
      parameters: { deviceId: { $ref: '#/components/parameters/deviceId' } },
      messages: { [id]: { $ref: `#/components/messages/${id}` } },
    };
    operations[operationId(leaf)] = {
      action,
      channel: { $ref: `#/channels/${id}` },
      summary: `${action === 'send' ? 'The panel publishes' : 'The panel receives'}: ${DEVICE_LEAVES[leaf]}`,
      messages: [{ $ref: `#/channels/${id}/messages/${id}` }],
      bindings: { mqtt: { qos, retain, bindingVersion: MQTT_BINDING_VERSION } },
    };
    messages[id] = {
      name: id,
      title: `${leaf} message`,
      contentType: 'application/json',
      payload: { schemaFormat: PAYLOAD_SCHEMA_FORMAT, schema: payloadJsonSchema(leaf) },
    };
  }

  const calls = callChannelParts(PAYLOAD_SCHEMA_FORMAT, MQTT_BINDING_VERSION);
  Object.assign(channels, calls.channels);
  Object.assign(operations, calls.operations);
  Object.assign(messages, calls.messages);

  return {
    asyncapi: ASYNCAPI_VERSION,
    id: 'urn:portvakt:mqtt:v1',
    info: {
      title: 'portvakt panel ↔ cloud sync',
      version: `${PROTOCOL_VERSION}.0.0`,
      description: DESCRIPTION,
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    defaultContentType: 'application/json',
    servers: {
      production: {
        host: '{host}',
        protocol: 'secure-mqtt',
        protocolVersion: '5',
        title: 'Cloud MQTT broker',
        description: 'The broker of the installation, over TLS. Chosen at provisioning (device config).',
        variables: {
          host: {
            description: 'Broker host name and TLS port.',
            examples: ['broker.example.com:8883'],
          },
        },
        security: [
          { $ref: '#/components/securitySchemes/userPassword' },
          { $ref: '#/components/securitySchemes/x509' },
        ],
      },
    },
    channels,
    operations,
    components: {
      parameters: {
        deviceId: {
          description: `The panel's device id, also its broker username: lower-case letters, digits, \`_\` and \`-\`, 1–63 characters, starting with a letter or digit (\`${DEVICE_ID_PATTERN.source}\`).`,
        },
        appDeviceId: APP_DEVICE_PARAMETER,
      },
      messages,
      securitySchemes: {
        userPassword: {
          type: 'userPassword',
          description:
            'Username = device id, password set at provisioning (no default passwords). The broker ACL ' +
            `\`${TOPIC_ROOT}/devices/%u/#\` confines the panel to its own subtree.`,
        },
        x509: {
          type: 'X509',
          description:
            'Alternative to a password: a TLS client certificate whose identity is the device id (the broker ' +
            'uses it as the username), so the same ACL applies.',
        },
      },
    },
  };
}
