import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BuildingSnapshotInput } from '../../../device/store/snapshot.ts';
import type { Store } from '../../../device/store/store.ts';
import { ValidationError } from '../../../lib/errors.ts';
import { openTempStore, readStoreFile, smallSnapshot } from './temp-store.ts';

describe('building data', () => {
  let store: Store;
  let path: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ store, path, cleanup } = openTempStore());
  });
  afterEach(() => cleanup());

  const count = (table: string): number =>
    readStoreFile(path, (db) => db.prepare<[], number>(`SELECT count(*) FROM ${table}`).pluck().get()!);

  it('writes a snapshot and reports what it wrote', () => {
    const counts = store.buildingData.replaceBuildingData(smallSnapshot());
    expect(counts).toMatchObject({ buildings: 1, doors: 2, cards: 1, timeProfiles: 1, accessRules: 1 });
    expect(store.access.cardByUid('04A1B2C3')).toEqual({
      cardId: 'c-alice',
      status: 'active',
      validFrom: null,
      validUntil: null,
      residentId: 'alice',
      residentStatus: 'active',
      credential: null,
    });
    expect(store.access.rulesOf('alice')).toEqual([
      { doorId: 'front', timeProfileId: null, validFrom: null, validUntil: null, timeZone: null },
    ]);
    expect(store.access.profileCovers('office', 0, 480)).toBe(true);
    expect(store.access.profileCovers('office', 0, 1020)).toBe(false);
  });

  it('replaces: rows missing from the new snapshot are gone', () => {
    store.buildingData.replaceBuildingData(smallSnapshot());
    const next = smallSnapshot();
    next.cards = [{ id: 'c-new', uid: '04d1e2f3', residentId: 'alice' }];
    next.doors = next.doors!.filter((d) => d.id === 'front');
    next.timeProfiles = [];
    store.buildingData.replaceBuildingData(next);
    expect(store.access.cardByUid('04A1B2C3')).toBeUndefined();
    expect(store.access.cardByUid('04D1E2F3')?.cardId).toBe('c-new');
    expect(count('doors')).toBe(1);
    expect(count('time_profile_intervals')).toBe(0);
  });

  it('lets two cards swap UIDs in one snapshot', () => {
    const snap = smallSnapshot();
    snap.cards = [
      { id: 'c1', uid: '04000001', residentId: 'alice' },
      { id: 'c2', uid: '04000002', residentId: 'alice' },
    ];
    store.buildingData.replaceBuildingData(snap);
    snap.cards = [
      { id: 'c1', uid: '04000002', residentId: 'alice' },
      { id: 'c2', uid: '04000001', residentId: 'alice' },
    ];
    store.buildingData.replaceBuildingData(snap);
    expect(store.access.cardByUid('04000001')?.cardId).toBe('c2');
  });

  it('is atomic: a row the database rejects half-way leaves the previous data', () => {
    store.buildingData.replaceBuildingData(smallSnapshot());
    const bad: BuildingSnapshotInput = {
      ...smallSnapshot(),
      residents: [{ id: 'bob', unitId: 'u1', name: 'Bob' }],
      cards: [
        { id: 'c-bob', uid: '04B0B0B0', residentId: 'bob' },
        { id: 'c-ghost', uid: '04DEAD00', residentId: 'nobody' },
      ],
      accessRules: [],
    };
    expect(() => store.buildingData.replaceBuildingData(bad)).toThrow(ValidationError);
    expect(() => store.buildingData.replaceBuildingData(bad)).toThrow(
      /cards\[1\] \(id "c-ghost"\).*FOREIGN KEY/,
    );
    // Rows written before the failing one were rolled back, and the old rows are all still there.
    expect(store.access.cardByUid('04B0B0B0')).toBeUndefined();
    expect(store.access.cardByUid('04A1B2C3')?.residentId).toBe('alice');
    expect(store.access.rulesOf('alice')).toHaveLength(1);
    expect(count('residents')).toBe(1);
  });

  it('rejects malformed snapshots before touching the database', () => {
    const cases: [string, BuildingSnapshotInput][] = [
      ['uid', { ...smallSnapshot(), cards: [{ id: 'c', uid: '04A1B2', residentId: 'alice' }] }],
      [
        'midnight',
        {
          ...smallSnapshot(),
          timeProfiles: [
            {
              id: 'p',
              buildingId: 'b1',
              name: 'n',
              intervals: [{ weekday: 4, startMinute: 1320, endMinute: 120 }],
            },
          ],
        },
      ],
      ['zone', { ...smallSnapshot(), buildings: [{ id: 'b1', name: 'x', timeZone: 'Mars/Olympus' }] }],
      [
        'duplicate',
        {
          ...smallSnapshot(),
          units: [
            { id: 'u1', buildingId: 'b1', name: 'a' },
            { id: 'u1', buildingId: 'b1', name: 'b' },
          ],
        },
      ],
      [
        'window',
        {
          ...smallSnapshot(),
          accessRules: [{ id: 'r', residentId: 'alice', doorId: 'front', validFrom: 5, validUntil: 5 }],
        },
      ],
    ];
    for (const [, snap] of cases)
      expect(() => store.buildingData.replaceBuildingData(snap)).toThrow(ValidationError);
    expect(count('buildings')).toBe(0);
  });

  it('upserts and deletes single rows, cascading to dependents', () => {
    store.buildingData.replaceBuildingData(smallSnapshot());
    store.buildingData.upsert('cards', {
      id: 'c-alice',
      uid: '04A1B2C3',
      residentId: 'alice',
      status: 'blocked',
    });
    expect(store.access.cardByUid('04A1B2C3')?.status).toBe('blocked');
    store.buildingData.upsert('timeProfiles', {
      id: 'office',
      buildingId: 'b1',
      name: 'Office',
      intervals: [{ weekday: 5, startMinute: 0, endMinute: 1440 }],
    });
    expect(store.access.profileCovers('office', 0, 600)).toBe(false);
    expect(store.access.profileCovers('office', 5, 1439)).toBe(true);
    expect(() =>
      store.buildingData.upsert('cards', { id: 'c2', uid: '04A1B2C3', residentId: 'alice' }),
    ).toThrow(/UNIQUE/);
    expect(store.buildingData.delete('residents', 'alice')).toBe(true);
    expect(store.access.cardByUid('04A1B2C3')).toBeUndefined();
    expect(count('access_rules')).toBe(0);
    expect(store.buildingData.delete('residents', 'alice')).toBe(false);
  });
});
