import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { buildingSnapshotSchema } from '../../../cloud-sync/protocol/building-snapshot.ts';
import {
  commandBodySchema,
  configPatchMessage,
  configSnapshotMessage,
  eventsMessage,
  messageSchemas,
} from '../../../cloud-sync/protocol/messages.ts';
import type { DeviceLeaf } from '../../../cloud-sync/protocol/topics.ts';

const T = 1_760_000_000_000;

const snapshotData = {
  buildings: [{ id: 'b1', name: 'Storgatan 1', timeZone: 'Europe/Stockholm' }],
  doors: [
    { id: 'front', buildingId: 'b1', name: 'Front door' },
    { id: 'bikes', buildingId: 'b1', name: 'Bike room' },
  ],
  units: [{ id: 'u1101', buildingId: 'b1', name: '1101' }],
  residents: [{ id: 'r1', unitId: 'u1101', name: 'Anna Svensson' }],
  cards: [
    { id: 'c1', uid: '04a2b3c4d5e6f7', residentId: 'r1' },
    {
      id: 'c2',
      uid: 'DEADBEEF',
      residentId: 'r1',
      status: 'blocked',
      validFrom: T,
      validUntil: T + 86_400_000,
    },
  ],
  timeProfiles: [
    {
      id: 'weekdays',
      buildingId: 'b1',
      name: 'Weekdays 07–19',
      intervals: [0, 1, 2, 3, 4].map((weekday) => ({ weekday, startMinute: 420, endMinute: 1140 })),
    },
  ],
  accessRules: [
    { id: 'a1', residentId: 'r1', doorId: 'front' },
    { id: 'a2', residentId: 'r1', doorId: 'bikes', timeProfileId: 'weekdays' },
  ],
};

const commandBody = {
  nonce: 'n-0123456789abcdef',
  deviceId: 'panel-1',
  issuedAt: T,
  expiresAt: T + 30_000,
  command: {
    type: 'door.open',
    doorId: 'front',
    onBehalfOf: { kind: 'resident', id: 'r1' },
    reason: 'opened from the app',
    pulseMs: 5000,
  },
};

/** One realistic message per leaf. */
const stamp = { deviceId: 'p1', epoch: 1, hubKeys: ['A'.repeat(43)] };
const examples: Record<DeviceLeaf, Record<string, unknown>> = {
  state: { protocol: 1, status: 'online', configVersion: 12, lastSeq: 4711, software: '0.1.0', at: T },
  'config/desired': { protocol: 1, ...stamp, version: 12, issuedAt: T, data: snapshotData },
  'config/patch': {
    ...stamp,
    protocol: 1,
    baseVersion: 12,
    version: 13,
    issuedAt: T,
    upsert: { cards: [{ id: 'c3', uid: '11223344', residentId: 'r1' }] },
    delete: { cards: ['c2'] },
  },
  'config/reported': {
    protocol: 1,
    version: 12,
    status: 'rejected',
    rejectedVersion: 13,
    reason: 'gap',
    at: T,
  },
  'config/request': { protocol: 1, haveVersion: 12, reason: 'gap', at: T },
  events: {
    protocol: 1,
    afterSeq: 4710,
    events: [
      {
        id: 'ev-4711',
        seq: 4711,
        ts: T,
        type: 'access.granted',
        doorId: 'front',
        readerId: 'r-front',
        data: { cardId: 'c1', residentId: 'r1' },
      },
      {
        id: 'ev-4712',
        seq: 4712,
        ts: T + 1,
        type: 'door.held_open',
        doorId: 'front',
        readerId: null,
        data: {},
      },
    ],
  },
  'events/ack': { protocol: 1, upToSeq: 4712 },
  commands: {
    protocol: 1,
    body: Buffer.from(JSON.stringify(commandBody)).toString('base64url'),
    signature: 'A'.repeat(86),
  },
  'commands/result': { protocol: 1, nonce: commandBody.nonce, status: 'done', at: T },
};

const leaves = Object.keys(messageSchemas) as DeviceLeaf[];

function issues(schema: z.ZodType, value: unknown): { path: PropertyKey[]; message: string }[] {
  const result = schema.safeParse(value);
  expect(result.success, 'expected the value to be rejected').toBe(false);
  return result.error?.issues ?? [];
}

describe('message schemas', () => {
  it.each(leaves)('%s accepts a realistic example', (leaf) => {
    const result = messageSchemas[leaf].safeParse(examples[leaf]);
    expect(result.error?.issues).toBeUndefined();
    expect(result.success).toBe(true);
  });

  it.each(leaves)('%s rejects another protocol version', (leaf) => {
    for (const protocol of [0, 2, '1', null]) {
      const found = issues(messageSchemas[leaf], { ...examples[leaf], protocol });
      expect(found.map((i) => i.path.join('.'))).toContain('protocol');
    }
    const { protocol: _, ...without } = examples[leaf];
    expect(messageSchemas[leaf].safeParse(without).success).toBe(false);
  });

  it.each(leaves)('%s rejects unknown keys', (leaf) => {
    const found = issues(messageSchemas[leaf], { ...examples[leaf], extra: true });
    expect(found.some((i) => i.message.includes('extra'))).toBe(true);
  });

  it('applies defaults to what a sender may omit', () => {
    const patch = configPatchMessage.parse({
      protocol: 1,
      ...stamp,
      baseVersion: 1,
      version: 2,
      issuedAt: T,
    });
    expect(patch.upsert).toEqual({});
    expect(patch.delete).toEqual({});
    const events = eventsMessage.parse(examples.events);
    expect(events.live).toBe(false);
    const snapshot = configSnapshotMessage.parse(examples['config/desired']);
    expect(snapshot.data.cards[0]!.uid).toBe('04A2B3C4D5E6F7');
    expect(snapshot.data.residents[0]!.status).toBe('active');
  });

  it('rejects unknown keys inside nested objects', () => {
    const data = { ...snapshotData, doors: [{ id: 'd', buildingId: 'b1', name: 'D', colour: 'red' }] };
    const found = issues(configSnapshotMessage, { ...examples['config/desired'], data });
    expect(found[0]!.path).toEqual(['data', 'doors', 0]);
    const patch = { ...examples['config/patch'], upsert: { cameras: [] } };
    expect(issues(configPatchMessage, patch)[0]!.path).toEqual(['upsert']);
  });

  it('rejects a patch whose version is not baseVersion + 1', () => {
    for (const version of [12, 14, 11]) {
      const found = issues(configPatchMessage, { ...examples['config/patch'], version });
      expect(found).toEqual([
        expect.objectContaining({ path: ['version'], message: 'version must be baseVersion + 1' }),
      ]);
    }
  });

  it('rejects a command that expires more than 60 s after issue, or not after it', () => {
    const ok = [1, 30_000, 60_000];
    for (const d of ok)
      expect(commandBodySchema.safeParse({ ...commandBody, expiresAt: T + d }).success).toBe(true);
    for (const d of [60_001, 3_600_000, 0, -1, -60_000]) {
      const found = issues(commandBodySchema, { ...commandBody, expiresAt: T + d });
      expect(found, String(d)).toEqual([
        expect.objectContaining({ path: ['expiresAt'], message: expect.stringMatching(/at most 60 s/) }),
      ]);
    }
  });

  it('rejects unknown command types and bad command fields', () => {
    expect(
      issues(commandBodySchema, { ...commandBody, command: { type: 'door.unlock_forever' } }),
    ).not.toEqual([]);
    const pulse = { ...commandBody, command: { ...commandBody.command, pulseMs: 60_000 } };
    expect(issues(commandBodySchema, pulse)[0]!.path).toEqual(['command', 'pulseMs']);
    expect(issues(commandBodySchema, { ...commandBody, nonce: 'short' })[0]!.path).toEqual(['nonce']);
  });

  it('rejects an empty events batch and one over 500', () => {
    const event = (examples.events.events as unknown[])[0] as Record<string, unknown>;
    const batch = (n: number) => Array.from({ length: n }, (_, i) => ({ ...event, id: `e${i}`, seq: i + 1 }));
    expect(issues(eventsMessage, { ...examples.events, events: [] })[0]!.path).toEqual(['events']);
    expect(eventsMessage.safeParse({ ...examples.events, events: batch(500) }).success).toBe(true);
    expect(issues(eventsMessage, { ...examples.events, events: batch(501) })[0]!.path).toEqual(['events']);
  });

  it('rejects a snapshot with duplicate card uids, naming the path', () => {
    // Same UID in another case: equal after normalization.
    const cards = [...snapshotData.cards, { id: 'c9', uid: '04A2B3C4D5E6F7', residentId: 'r1' }];
    const found = issues(configSnapshotMessage, {
      ...examples['config/desired'],
      data: { ...snapshotData, cards },
    });
    expect(found).toEqual([
      expect.objectContaining({ path: ['data', 'cards', 2, 'uid'], message: 'duplicate card uid on "c9"' }),
    ]);
    expect(issues(buildingSnapshotSchema, { ...snapshotData, cards })[0]!.path).toEqual(['cards', 2, 'uid']);
  });

  it('flat numbers: digits only, unique within a building (another building may reuse one)', () => {
    const units = [
      { id: 'u1', buildingId: 'b1', name: '1', number: '0101' },
      { id: 'u2', buildingId: 'b1', name: '2', number: null },
      { id: 'u3', buildingId: 'b1', name: '3' },
      { id: 'u4', buildingId: 'b2', name: '4', number: '0101' },
    ];
    const buildings = [...snapshotData.buildings, { id: 'b2', name: 'Storgatan 2', timeZone: 'Europe/Oslo' }];
    const ok = buildingSnapshotSchema.parse({ ...snapshotData, buildings, units });
    expect(ok.units.map((u) => u.number)).toEqual(['0101', null, null, '0101']);
    expect(ok.buildings.map((b) => b.language)).toEqual(['en', 'en']);
    const twice = [...units, { id: 'u5', buildingId: 'b1', name: '5', number: '0101' }];
    expect(issues(buildingSnapshotSchema, { ...snapshotData, buildings, units: twice })).toEqual([
      expect.objectContaining({
        path: ['units', 4, 'number'],
        message: 'unit "u1" of the building already has number "0101"',
      }),
    ]);
    for (const number of ['', '12a', '123456789', ' 12', '+12', 12])
      expect(
        issues(buildingSnapshotSchema, { ...snapshotData, units: [{ ...units[0], number }] })[0]?.path,
        String(number),
      ).toEqual(['units', 0, 'number']);
  });

  it('a building language is one of the panel languages', () => {
    const buildings = [{ ...snapshotData.buildings[0], language: 'nb' }];
    expect(buildingSnapshotSchema.parse({ ...snapshotData, buildings }).buildings[0]?.language).toBe('nb');
    const wrong = [{ ...snapshotData.buildings[0], language: 'de' }];
    expect(issues(buildingSnapshotSchema, { ...snapshotData, buildings: wrong })[0]?.path).toEqual([
      'buildings',
      0,
      'language',
    ]);
  });

  it('rejects a snapshot with duplicate ids, naming the path', () => {
    const doors = [...snapshotData.doors, { id: 'front', buildingId: 'b1', name: 'Again' }];
    expect(issues(buildingSnapshotSchema, { ...snapshotData, doors })).toEqual([
      expect.objectContaining({ path: ['doors', 2, 'id'], message: 'duplicate id "front"' }),
    ]);
  });

  it.each(leaves)('%s: safeParse never throws for arbitrary JSON', (leaf) => {
    const schema = messageSchemas[leaf];
    // Arbitrary JSON, and the example with each field replaced by arbitrary JSON (to get past the
    // outer checks into the nested ones and the refinements).
    const keys = Object.keys(examples[leaf]);
    const mutated = fc
      .tuple(fc.constantFrom(...keys), fc.jsonValue())
      .map(([key, value]) => ({ ...examples[leaf], [key]: value }));
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), mutated), (value) => {
        const result = schema.safeParse(value);
        expect(typeof result.success).toBe('boolean');
        // Also as JSON text would arrive: through JSON.parse.
        schema.safeParse(JSON.parse(JSON.stringify(value) ?? 'null'));
      }),
      { numRuns: 300 },
    );
  });
});
