import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  asyncApiDocument,
  LEAF_DELIVERY,
  leafId,
  PAYLOAD_SCHEMA_FORMAT,
} from '../../../cloud-sync/protocol/asyncapi.ts';
import { CALL_CHANNEL_IDS, callPayloadJsonSchema } from '../../../cloud-sync/protocol/asyncapi-calls.ts';
import { messageSchemas } from '../../../cloud-sync/protocol/messages.ts';
import { DEVICE_LEAVES, type DeviceLeaf } from '../../../cloud-sync/protocol/topics.ts';

interface Doc {
  asyncapi: string;
  info: { description: string };
  servers: Record<string, { protocol: string; protocolVersion: string; host: string; security: unknown[] }>;
  channels: Record<
    string,
    { address: string; parameters: Record<string, unknown>; messages: Record<string, { $ref: string }> }
  >;
  operations: Record<
    string,
    { action: string; channel: { $ref: string }; bindings: { mqtt: { qos: number; retain: boolean } } }
  >;
  components: {
    messages: Record<string, { payload: { schemaFormat: string; schema: unknown } }>;
    securitySchemes: Record<string, { type: string }>;
  };
}

const committed = JSON.parse(
  readFileSync(new URL('../../../cloud-sync/protocol/asyncapi.json', import.meta.url), 'utf8'),
) as Doc;
const leaves = Object.keys(DEVICE_LEAVES) as DeviceLeaf[];

/** Follows a local `$ref` such as `#/components/messages/state`. */
function resolve(ref: string): unknown {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>(
      (node, key) => (node as Record<string, unknown>)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')],
      committed,
    );
}

function channelOf(leaf: DeviceLeaf) {
  return Object.values(committed.channels).find(
    (c) => c.address === `portvakt/v1/devices/{deviceId}/${leaf}`,
  );
}

describe('asyncapi.json', () => {
  it('is what asyncApiDocument() generates (run `npm run asyncapi` after changing the protocol)', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(asyncApiDocument())));
  });

  it('is an AsyncAPI 3.0.0 document written from the panel side', () => {
    expect(committed.asyncapi).toBe('3.0.0');
    expect(committed.info.description).toMatch(/panel's\*\* contract/);
    const server = committed.servers.production!;
    expect(server).toMatchObject({ host: '{host}', protocol: 'secure-mqtt', protocolVersion: '5' });
    const schemes = server.security.map((s) => resolve((s as { $ref: string }).$ref) as { type: string });
    expect(schemes.map((s) => s.type)).toEqual(['userPassword', 'X509']);
  });

  it('has one channel per leaf, with a deviceId parameter, and the two call channels', () => {
    expect(Object.keys(committed.channels)).toHaveLength(leaves.length + 2);
    for (const leaf of leaves) {
      const channel = channelOf(leaf);
      expect(channel, leaf).toBeDefined();
      expect(Object.keys(channel!.parameters)).toEqual(['deviceId']);
      expect(resolve((channel!.parameters.deviceId as { $ref: string }).$ref)).toBeDefined();
    }
  });

  it("gives every channel the JSON Schema of its leaf's zod schema as payload", () => {
    for (const leaf of leaves) {
      const messages = Object.values(channelOf(leaf)!.messages);
      expect(messages, leaf).toHaveLength(1);
      const message = resolve(messages[0]!.$ref) as Doc['components']['messages'][string];
      expect(message.payload.schemaFormat).toBe(PAYLOAD_SCHEMA_FORMAT);
      const expected = z.toJSONSchema(messageSchemas[leaf], {
        io: 'output',
        unrepresentable: 'any',
        target: 'draft-07',
      });
      expect(message.payload.schema, leaf).toEqual(JSON.parse(JSON.stringify(expected)));
    }
  });

  it('has one operation per channel, in the direction the topic table says, with its MQTT delivery', () => {
    expect(Object.keys(committed.operations)).toHaveLength(leaves.length + 2);
    for (const leaf of leaves) {
      const direction = DEVICE_LEAVES[leaf].startsWith('panel → cloud') ? 'send' : 'receive';
      expect(DEVICE_LEAVES[leaf], leaf).toMatch(/^(panel → cloud|cloud → panel)/);
      expect(LEAF_DELIVERY[leaf].action, leaf).toBe(direction);
      expect(LEAF_DELIVERY[leaf].retain, leaf).toBe(DEVICE_LEAVES[leaf].includes('retained'));
      const ops = Object.values(committed.operations).filter(
        (op) => op.channel.$ref === `#/channels/${leafId(leaf)}`,
      );
      expect(ops, leaf).toHaveLength(1);
      expect(ops[0]!.action).toBe(direction);
      expect(ops[0]!.bindings.mqtt).toMatchObject({ qos: 1, retain: LEAF_DELIVERY[leaf].retain });
    }
    const retained = leaves.filter((leaf) => LEAF_DELIVERY[leaf].retain);
    expect(retained.sort()).toEqual(['config/desired', 'config/reported', 'state']);
  });

  it('addresses call channels by panel and app device; the panel sends on `to`, receives on `from`', () => {
    for (const [direction, action] of [
      ['to', 'send'],
      ['from', 'receive'],
    ] as const) {
      const channel = Object.values(committed.channels).find(
        (c) => c.address === `portvakt/v1/devices/{deviceId}/calls/${direction}/{appDeviceId}`,
      );
      expect(channel, direction).toBeDefined();
      expect(Object.keys(channel!.parameters)).toEqual(['deviceId', 'appDeviceId']);
      const message = resolve(
        Object.values(channel!.messages)[0]!.$ref,
      ) as Doc['components']['messages'][string];
      expect(message.payload.schema).toEqual(JSON.parse(JSON.stringify(callPayloadJsonSchema(direction))));
      const ops = Object.values(committed.operations).filter((op) =>
        op.channel.$ref.endsWith(CALL_CHANNEL_IDS[direction]),
      );
      expect(ops.map((op) => op.action)).toEqual([action]);
    }
  });

  it('has only local references that resolve', () => {
    const refs = JSON.stringify(committed).match(/"\$ref":"[^"]*"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const target = JSON.parse(`{${ref}}`).$ref as string;
      expect(target.startsWith('#/'), target).toBe(true);
      expect(resolve(target), target).toBeDefined();
    }
  });
});
