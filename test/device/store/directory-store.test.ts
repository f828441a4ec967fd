import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrations } from '../../../device/store/migrations.ts';
import { type BuildingSnapshotInput, buildingSnapshotSchema } from '../../../device/store/snapshot.ts';
import { openStore, type Store } from '../../../device/store/store.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { ValidationError } from '../../../lib/errors.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { migrate } from '../../../lib/sqlite/migrations.ts';
import { directorySnapshot } from './directory-snapshot.ts';
import { openTempStore, smallSnapshot, tempDir } from './temp-store.ts';

const byId = <T extends { id: string }>(rows: readonly T[]): T[] =>
  [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

describe('doorbell directory in the store', () => {
  let store: Store;
  let path: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ store, path, cleanup } = openTempStore());
  });
  afterEach(() => cleanup());

  it('writes the directory with a snapshot and reads it back in the snapshot shape', () => {
    const counts = store.buildingData.replaceBuildingData(directorySnapshot());
    expect(counts).toMatchObject({ bells: 8, bellMembers: 4, appDevices: 6 });
    const snap = buildingSnapshotSchema.parse(directorySnapshot());
    const rows = store.directory.read();
    expect(rows.bells).toEqual(byId(snap.bells));
    expect(rows.bellMembers).toEqual(byId(snap.bellMembers));
    expect(rows.appDevices).toEqual(byId(snap.appDevices));
    expect(rows.residents).toEqual(byId(snap.residents));
    expect(rows.buildings).toEqual([
      { ...byId(snap.buildings)[0], phonePrompt: null, phoneOpenDigits: '58' },
    ]);
    expect(rows.units.map((u) => u.name)).toEqual(['1101', '1102', '1201']);
    expect(rows.timeProfiles).toEqual([
      { id: 'nights', buildingId: 'b1', intervals: snap.timeProfiles[0]!.intervals },
    ]);
  });

  it('reads only what the bells reach: a resident without a bell is not in the directory', () => {
    const snap = directorySnapshot();
    snap.units!.push({ id: 'u9', buildingId: 'b1', name: '9' });
    snap.residents!.push({ id: 'nobody', unitId: 'u9', name: 'No Bell', hiddenProfileId: 'nights' });
    snap.appDevices!.push({ id: 'app-nobody', residentId: 'nobody', name: 'x' });
    store.buildingData.replaceBuildingData(snap);
    const rows = store.directory.read();
    expect(rows.residents.map((r) => r.id)).not.toContain('nobody');
    expect(rows.appDevices.map((d) => d.id)).not.toContain('app-nobody');
    expect(rows.units.map((u) => u.id)).not.toContain('u9');
  });

  it('replaces: a snapshot without the directory empties it', () => {
    store.buildingData.replaceBuildingData(directorySnapshot());
    store.buildingData.replaceBuildingData(smallSnapshot());
    const rows = store.directory.read();
    expect([rows.bells, rows.bellMembers, rows.appDevices, rows.residents]).toEqual([[], [], [], []]);
  });

  it('rejects a directory row that references a missing row, changing nothing', () => {
    store.buildingData.replaceBuildingData(directorySnapshot());
    const cases: [BuildingSnapshotInput, RegExp][] = [
      [
        { ...directorySnapshot(), bellMembers: [{ id: 'm', bellId: 'ghost', residentId: 'anna' }] },
        /bellMembers\[0\] \(id "m"\).*FOREIGN KEY/,
      ],
      [
        { ...directorySnapshot(), appDevices: [{ id: 'app-x', residentId: 'ghost', name: 'x' }] },
        /appDevices\[0\] \(id "app-x"\).*FOREIGN KEY/,
      ],
      [
        {
          ...directorySnapshot(),
          bells: [{ id: 'b', unitId: 'u1101', type: 'family', displayText: 'x', doorId: 'ghost' }],
          bellMembers: [],
        },
        /bells\[0\] \(id "b"\).*FOREIGN KEY/,
      ],
    ];
    for (const [snap, message] of cases) {
      expect(() => store.buildingData.replaceBuildingData(snap)).toThrow(ValidationError);
      expect(() => store.buildingData.replaceBuildingData(snap)).toThrow(message);
    }
    expect(store.directory.read().bells).toHaveLength(8);
  });

  it('applies patches to bells, members and app devices', () => {
    store.buildingData.replaceBuildingData(directorySnapshot());
    store.transaction(() =>
      store.buildingPatch.apply({
        delete: { appDevices: ['app-anna-tablet'], bellMembers: ['m-1101-ida'] },
        upsert: {
          bells: [{ id: 'bell-1102', unitId: 'u1102', type: 'sequential', displayText: 'Berg', stepS: 30 }],
          bellMembers: [{ id: 'm-1102-lars', bellId: 'bell-1102', residentId: 'lars', ringS: 15 }],
          appDevices: [{ id: 'app-lars-phone', residentId: 'lars', name: "Lars's phone" }],
        },
      }),
    );
    const rows = store.directory.read();
    expect(rows.bells.find((b) => b.id === 'bell-1102')).toMatchObject({
      type: 'sequential',
      stepS: 30,
      doorId: null,
      ringTimeoutS: 60,
    });
    expect(rows.bellMembers.map((m) => m.id)).toEqual([
      'm-1101-anna',
      'm-1101-erik',
      'm-1102-lars',
      'm-1201-sofia',
    ]);
    expect(rows.appDevices.map((d) => d.id)).not.toContain('app-anna-tablet');
    expect(rows.appDevices.find((d) => d.id === 'app-lars-phone')).toMatchObject({ residentId: 'lars' });
  });

  it("keeps a sequential step's via and the building's phone settings, and the directory returns via", () => {
    const snap = directorySnapshot();
    snap.buildings![0] = {
      ...snap.buildings![0]!,
      phonePrompt: 'Visitor at Storgatan 1.',
      phoneOpenDigits: '5',
    };
    snap.bellMembers = snap.bellMembers!.map((m) => (m.id === 'm-1101-anna' ? { ...m, via: 'phone' } : m));
    store.buildingData.replaceBuildingData(snap);
    const via = Object.fromEntries(store.directory.read().bellMembers.map((m) => [m.id, m.via]));
    expect(via).toEqual({
      'm-1101-anna': 'phone',
      'm-1101-erik': 'app',
      'm-1101-ida': 'app',
      'm-1201-sofia': 'app',
    });
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare('SELECT phone_prompt, phone_open_digits FROM buildings').get()).toEqual({
        phone_prompt: 'Visitor at Storgatan 1.',
        phone_open_digits: '5',
      });
    } finally {
      db.close();
    }
  });

  it('a patch with a bad directory row names it and changes nothing', () => {
    store.buildingData.replaceBuildingData(directorySnapshot());
    const apply = (upsert: object) =>
      store.transaction(() =>
        store.buildingPatch.apply({ delete: { appDevices: ['app-anna-phone'] }, upsert }),
      );
    expect(() =>
      apply({ bells: [{ id: 'b', unitId: 'u1101', type: 'separate', displayText: 'x' }] }),
    ).toThrow(/upsert\.bells\[0\]: invalid bell: residentId: a separate bell belongs to one resident/);
    expect(() => apply({ appDevices: [{ id: 'Bad Id', residentId: 'anna', name: 'x' }] })).toThrow(
      /upsert\.appDevices\[0\]: invalid app device: id: must be 1-63 chars/,
    );
    expect(() => apply({ bellMembers: [{ id: 'dup', bellId: 'bell-1101', residentId: 'anna' }] })).toThrow(
      /bell member.*UNIQUE/,
    );
    expect(store.directory.read().appDevices.map((d) => d.id)).toContain('app-anna-phone');
  });

  it('deleting a resident takes their bell, memberships and devices; deleting a profile unhides', () => {
    store.buildingData.replaceBuildingData(directorySnapshot());
    store.buildingData.delete('residents', 'anna');
    const rows = store.directory.read();
    expect(rows.bells.map((b) => b.id)).not.toContain('bell-anna');
    expect(rows.bellMembers.map((m) => m.residentId)).not.toContain('anna');
    expect(rows.appDevices.map((d) => d.residentId)).not.toContain('anna');
    store.buildingData.delete('timeProfiles', 'nights');
    expect(store.directory.read().residents.find((r) => r.id === 'erik')?.hiddenProfileId).toBeNull();
  });
});

describe('directory migration', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('upgrades a version 2 database: residents and buildings get the directory defaults', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const db = new Database(t.path);
    migrate(db, silentLogger, migrations.slice(0, 2));
    db.exec(`INSERT INTO buildings VALUES ('b1', 'B', 'UTC');
      INSERT INTO units VALUES ('u1', 'b1', '1');
      INSERT INTO residents VALUES ('anna', 'u1', 'Anna', 'active');`);
    db.close();

    const store = openStore(t.path, { clock: new FakeClock(), logger: silentLogger });
    try {
      store.buildingData.upsert('bells', { id: 'bell', unitId: 'u1', type: 'family', displayText: 'A' });
      expect(store.directory.read()).toMatchObject({
        buildings: [{ id: 'b1', picturesAllowed: false }],
        residents: [{ id: 'anna', hidden: false, picture: null, ringtone: 'classic', hiddenUntil: null }],
      });
    } finally {
      store.close();
    }
  });
});
