/**
 * The doorbell directory at the hub: admin rows (doorbells, members, app devices, residents' choices)
 * compiled into each panel's snapshot — its own bells only — and the rules that keep those snapshots
 * acceptable to the panel.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPatches } from '../../../cloud-sync/hub/config/apply-patch.ts';
import { compilePanelSnapshot } from '../../../cloud-sync/hub/config/compile.ts';
import { diffSnapshots } from '../../../cloud-sync/hub/config/diff.ts';
import type { Entities } from '../../../cloud-sync/hub/store/entities.ts';
import { openHubStore } from '../../../cloud-sync/hub/store/hub-store.ts';
import { migrations } from '../../../cloud-sync/hub/store/migrations.ts';
import type { BuildingSnapshot } from '../../../cloud-sync/protocol/building-snapshot.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { PortvaktError, ValidationError } from '../../../lib/errors.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { migrate } from '../../../lib/sqlite/migrations.ts';
import { PICTURE } from '../../device/store/directory-snapshot.ts';

function hubStore() {
  return openHubStore(':memory:', { clock: new FakeClock(), logger: silentLogger });
}

/** Two panels of one building; p1's bells reach residents of 1101 and 1102, p2's only Bob of 1201. */
function seedDirectory(e: Entities): void {
  e.create('buildings', {
    id: 'b1',
    name: 'Storgatan 12',
    timeZone: 'Europe/Stockholm',
    picturesAllowed: true,
  });
  e.create('panels', { id: 'p1', name: 'Entrance A', buildingId: 'b1' });
  e.create('panels', { id: 'p2', name: 'Entrance B', buildingId: 'b1' });
  e.create('doors', { id: 'door-a', panelId: 'p1', name: 'Door A' });
  e.create('doors', { id: 'door-b', panelId: 'p2', name: 'Door B' });
  e.create('timeProfiles', { id: 'nights', buildingId: 'b1', name: 'Nights', intervals: [] });
  for (const [id, name] of [
    ['u1101', '1101'],
    ['u1102', '1102'],
    ['u1201', '1201'],
  ])
    e.create('units', { id, buildingId: 'b1', name });
  e.create('residents', { id: 'alice', unitId: 'u1101', name: 'Alice', picture: PICTURE });
  e.create('residents', {
    id: 'adam',
    unitId: 'u1101',
    name: 'Adam',
    picture: PICTURE,
    hiddenProfileId: 'nights',
  });
  e.create('residents', { id: 'maja', unitId: 'u1102', name: 'Maja', hidden: true });
  e.create('residents', { id: 'bob', unitId: 'u1201', name: 'Bob', phone: '+46701234567' });
  e.create('appDevices', { id: 'app-alice-phone', residentId: 'alice', name: "Alice's phone" });
  e.create('appDevices', { id: 'app-bob-phone', residentId: 'bob', name: "Bob's phone" });
  e.create('cards', { id: 'card-alice', uid: '04A1B2C3', residentId: 'alice' });
  e.create('doorbells', {
    id: 'bell-alice',
    panelId: 'p1',
    residentId: 'alice',
    type: 'separate',
    displayText: 'Alice',
    doorId: 'door-a',
  });
  e.create('doorbells', {
    id: 'bell-1101',
    panelId: 'p1',
    unitId: 'u1101',
    type: 'sequential',
    displayText: 'A',
  });
  e.create('doorbellMembers', { id: 'm-adam', doorbellId: 'bell-1101', residentId: 'adam', ringS: 20 });
  e.create('doorbells', {
    id: 'bell-1102',
    panelId: 'p1',
    unitId: 'u1102',
    type: 'family',
    displayText: 'Berg',
  });
  e.create('doorbells', {
    id: 'bell-bob',
    panelId: 'p2',
    residentId: 'bob',
    type: 'separate',
    displayText: 'Bob',
  });
}

describe('directory compiled per panel', () => {
  let store: ReturnType<typeof hubStore>;
  const compile = (panelId: string): BuildingSnapshot => compilePanelSnapshot(store, panelId);
  const ids = (rows: readonly { id: string }[]) => rows.map((r) => r.id);
  beforeEach(() => {
    store = hubStore();
    seedDirectory(store.entities);
  });
  afterEach(() => store.close());

  it("gives a panel only its own bells, their members, the residents they ring and those residents' devices", () => {
    const p1 = compile('p1');
    expect(ids(p1.bells)).toEqual(['bell-1101', 'bell-1102', 'bell-alice']);
    expect(p1.bells.find((b) => b.id === 'bell-alice')).toEqual({
      id: 'bell-alice',
      unitId: 'u1101',
      type: 'separate',
      displayText: 'Alice',
      residentId: 'alice',
      doorId: 'door-a',
      sortKey: 0,
      ringTimeoutS: 60,
      stepS: 25,
    });
    expect(p1.bellMembers).toEqual([
      { id: 'm-adam', bellId: 'bell-1101', residentId: 'adam', position: 0, ringS: 20, via: 'app' },
    ]);
    expect(ids(p1.residents)).toEqual(['adam', 'alice', 'maja']);
    expect(ids(p1.units)).toEqual(['u1101', 'u1102']);
    expect(ids(p1.appDevices)).toEqual(['app-alice-phone']);
    // The profile that hides Adam travels with him; cards only with access rules (there are none here).
    expect(ids(p1.timeProfiles)).toEqual(['nights']);
    expect(p1.cards).toEqual([]);
    expect(p1.residents.find((r) => r.id === 'maja')?.hidden).toBe(true);
    expect(p1.buildings).toEqual([
      {
        id: 'b1',
        name: 'Storgatan 12',
        timeZone: 'Europe/Stockholm',
        picturesAllowed: true,
        phonePrompt: null,
        phoneOpenDigits: '58',
        language: 'en',
        // A building that never chose a card mode stays on UIDs.
        cardMode: 'uid',
        cardAid: '5056A1',
        cardClassicSector: 1,
        cardAcceptUid: false,
      },
    ]);

    const p2 = compile('p2');
    expect(ids(p2.bells)).toEqual(['bell-bob']);
    expect(ids(p2.residents)).toEqual(['bob']);
    expect(ids(p2.appDevices)).toEqual(['app-bob-phone']);
    expect(p2.residents[0]!.phone).toBe('+46701234567');
    expect(p2.bellMembers).toEqual([]);
  });

  it('sends a picture only for a separate bell in a building that allows pictures', () => {
    const pictures = (panelId: string) =>
      Object.fromEntries(compile(panelId).residents.map((r) => [r.id, r.picture !== null]));
    // Adam has a picture but no bell of his own here: it would never show, so it is not sent.
    expect(pictures('p1')).toEqual({ adam: false, alice: true, maja: false });
    store.entities.update('buildings', 'b1', { picturesAllowed: false });
    expect(store.entities.get('buildings', 'b1')['picturesAllowed']).toBe(false);
    expect(pictures('p1')).toEqual({ adam: false, alice: false, maja: false });
  });

  it('refuses a bell door on another panel; a door moved away later leaves the bell without one', () => {
    expect(() => store.entities.update('doorbells', 'bell-1101', { doorId: 'door-b' })).toThrow(
      'invalid doorbell: doorId: door "door-b" is on panel "p2", not on the bell\'s panel "p1"',
    );
    store.entities.update('doors', 'door-a', { panelId: 'p2' });
    expect(compile('p1').bells.find((b) => b.id === 'bell-alice')?.doorId).toBeNull();
  });

  it('keeps separate bells to their resident', () => {
    const refusals: [() => unknown, string][] = [
      [
        () =>
          store.entities.create('doorbellMembers', { id: 'm', doorbellId: 'bell-alice', residentId: 'adam' }),
        'doorbellId: doorbell "bell-alice" is a separate bell: it rings its own resident and has no members',
      ],
      [
        () => store.entities.update('doorbells', 'bell-1101', { type: 'separate' }),
        'a separate bell belongs to one resident: set residentId',
      ],
      [
        () =>
          store.entities.update('doorbells', 'bell-1101', {
            type: 'separate',
            unitId: null,
            residentId: 'adam',
          }),
        'type: a separate bell rings only its resident; remove its 1 member(s) first',
      ],
      [
        () =>
          store.entities.create('doorbells', {
            id: 'x',
            panelId: 'p1',
            residentId: 'adam',
            type: 'parallel',
            displayText: 'x',
          }),
        "a parallel bell rings its unit's members, not one resident",
      ],
      [
        () =>
          store.entities.create('doorbells', {
            id: 'x',
            panelId: 'p1',
            unitId: 'u1101',
            type: 'family',
            displayText: 'x',
            stepS: 3,
          }),
        'stepS',
      ],
    ];
    for (const [attempt, message] of refusals) {
      expect(attempt).toThrow(ValidationError);
      expect(attempt).toThrow(message);
    }
  });

  it('reports a resident already on a bell as a conflict', () => {
    let error: unknown;
    try {
      store.entities.create('doorbellMembers', { id: 'm2', doorbellId: 'bell-1101', residentId: 'adam' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PortvaktError);
    expect(error).toMatchObject({
      code: 'conflict',
      message: 'this resident is already a member of the doorbell',
    });
  });

  it('drops what a deleted resident leaves behind', () => {
    store.entities.remove('residents', 'alice');
    const p1 = compile('p1');
    expect(ids(p1.bells)).toEqual(['bell-1101', 'bell-1102']);
    expect(p1.appDevices).toEqual([]);
  });

  it('diffs and patches a snapshot stored before the directory existed', () => {
    const now = compile('p1');
    const { bells: _b, bellMembers: _m, appDevices: _a, ...legacy } = now;
    const diff = diffSnapshots(legacy as BuildingSnapshot, now);
    expect(diff.upsert.bells).toHaveLength(3);
    expect(diff.delete).toEqual({});
    const patched = applyPatches(legacy as BuildingSnapshot, [{ upsert: { bells: now.bells }, delete: {} }]);
    expect(patched.bells).toEqual(now.bells);
  });
});

describe('hub migration to the directory', () => {
  it('turns version 1 bells into the new rule: separate = one resident, other types = a unit', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, silentLogger, migrations.slice(0, 2));
    db.exec(`INSERT INTO buildings VALUES ('b1', 'B', 'UTC');
      INSERT INTO panels (id, name, building_id, broker_username, created_at) VALUES ('p1', 'P', 'b1', 'p1', 0);
      INSERT INTO units VALUES ('u1', 'b1', '1');
      INSERT INTO residents VALUES ('anna', 'u1', 'Anna', 'active');
      INSERT INTO doorbells (id, panel_id, unit_id, resident_id, type, display_text) VALUES
        ('unit-separate', 'p1', 'u1', NULL, 'separate', 'U'),
        ('resident-parallel', 'p1', NULL, 'anna', 'parallel', 'A'),
        ('fine', 'p1', NULL, 'anna', 'separate', 'A');`);
    migrate(db, silentLogger, migrations);
    expect(
      db.prepare('SELECT id, type, unit_id, resident_id, step_s FROM doorbells ORDER BY id').all(),
    ).toEqual([
      { id: 'fine', type: 'separate', unit_id: null, resident_id: 'anna', step_s: 25 },
      { id: 'resident-parallel', type: 'parallel', unit_id: 'u1', resident_id: null, step_s: 25 },
      { id: 'unit-separate', type: 'family', unit_id: 'u1', resident_id: null, step_s: 25 },
    ]);
    db.close();
  });
});
