import { describe, expect, it } from 'vitest';
import { buildingSnapshotSchema } from '../../../cloud-sync/protocol/building-snapshot.ts';
import {
  ENTITIES,
  ENTITY_APPLY_ORDER,
  ENTITY_DELETE_ORDER,
  ENTITY_NAMES,
} from '../../../cloud-sync/protocol/entities.ts';
import { configPatchMessage } from '../../../cloud-sync/protocol/messages.ts';

describe('entity table', () => {
  it('gives the snapshot and the patch its lists, in wire order', () => {
    const snapshot = buildingSnapshotSchema.parse({});
    expect(Object.keys(snapshot)).toEqual(ENTITY_NAMES);
    const lists = Object.fromEntries(ENTITY_NAMES.map((name) => [name, []]));
    const patch = configPatchMessage.parse({
      protocol: 1,
      deviceId: 'p1',
      epoch: 1,
      hubKeys: ['A'.repeat(43)],
      baseVersion: 1,
      version: 2,
      issuedAt: 1,
      upsert: lists,
      delete: lists,
    });
    expect(Object.keys(patch.upsert)).toEqual(ENTITY_NAMES);
    expect(Object.keys(patch.delete)).toEqual(ENTITY_NAMES);
  });

  it('writes parents before children and deletes in reverse', () => {
    expect(ENTITY_APPLY_ORDER).toEqual([
      'buildings',
      'doors',
      'units',
      'timeProfiles',
      'residents',
      'cards',
      'accessRules',
      'bells',
      'bellMembers',
      'appDevices',
    ]);
    for (const name of ENTITY_NAMES)
      for (const parent of ENTITIES[name].parents)
        expect(ENTITY_APPLY_ORDER.indexOf(parent)).toBeLessThan(ENTITY_APPLY_ORDER.indexOf(name));
    expect(ENTITY_DELETE_ORDER).toEqual([...ENTITY_APPLY_ORDER].reverse());
  });

  it("limits a patch's lists to each list's patchMax", () => {
    for (const name of ENTITY_NAMES) {
      const max = ENTITIES[name].patchMax;
      const patch = (ids: string[]) => ({
        protocol: 1,
        deviceId: 'p1',
        epoch: 1,
        hubKeys: ['A'.repeat(43)],
        baseVersion: 1,
        version: 2,
        issuedAt: 1,
        delete: { [name]: ids },
      });
      expect(configPatchMessage.safeParse(patch(Array(max).fill('x'))).success).toBe(true);
      expect(configPatchMessage.safeParse(patch(Array(max + 1).fill('x'))).success).toBe(false);
    }
  });
});
