import { afterEach, describe, expect, it } from 'vitest';
import { CallRouter } from '../../../device/intercom/call-router.ts';
import {
  appDeviceOwner,
  bellTarget,
  PanelDirectory,
  panelSite,
  visibleDirectory,
} from '../../../device/intercom/directory.ts';
import { demoBuilding } from '../../../device/sim/demo-building.ts';
import { DEMO_DIRECTORY, DEMO_PHONE, DEMO_PICTURE } from '../../../device/sim/demo-directory.ts';
import { type BuildingSnapshot, buildingSnapshotSchema } from '../../../device/store/snapshot.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { NotFoundError } from '../../../lib/errors.ts';
import { directorySnapshot, HOUR, NOON, PICTURE } from '../store/directory-snapshot.ts';
import { openTempStore } from '../store/temp-store.ts';

const rows = (picturesAllowed = true): BuildingSnapshot =>
  buildingSnapshotSchema.parse(directorySnapshot(picturesAllowed));
const shown = (snap: BuildingSnapshot, now: number) => visibleDirectory(snap, now).map((e) => e.bellId);

describe('visible directory', () => {
  it('lists bells by sort key, then display text; leaves out hidden and removed residents', () => {
    const flat1101 = { unitName: '1101', unitNumber: '1101' };
    expect(visibleDirectory(rows(), NOON)).toEqual([
      {
        bellId: 'bell-1101',
        type: 'sequential',
        displayText: 'Andersson 1101',
        picture: null,
        ...flat1101,
        memberNames: [],
      },
      {
        bellId: 'bell-anna',
        type: 'separate',
        displayText: 'Anna A.',
        picture: PICTURE,
        ...flat1101,
        memberNames: [],
      },
      {
        bellId: 'bell-1102',
        type: 'parallel',
        displayText: 'Berg',
        picture: null,
        unitName: '1102',
        unitNumber: '0012',
        memberNames: [],
      },
      {
        bellId: 'bell-erik',
        type: 'separate',
        displayText: 'Erik Andersson',
        picture: null,
        ...flat1101,
        memberNames: [],
      },
      {
        bellId: 'bell-1101-family',
        type: 'family',
        displayText: 'Familjen Andersson',
        picture: null,
        ...flat1101,
        // Shown names of the flat's residents (Anna's display name); Ida moved out.
        memberNames: ['Anna A.', 'Erik Andersson'],
      },
      // sortKey 1: after every bell with 0. A business bell names no staff; the office has no number.
      {
        bellId: 'bell-1201',
        type: 'business',
        displayText: 'Holm & Co AB',
        picture: null,
        unitName: '1201',
        unitNumber: null,
        memberNames: [],
      },
    ]);
  });

  it("a family bell's names leave out its hidden residents, whenever they are hidden", () => {
    const family = (snap: BuildingSnapshot, now: number) =>
      visibleDirectory(snap, now).find((e) => e.bellId === 'bell-1101-family')?.memberNames;
    // Erik is hidden at night (his profile), Anna for good once she hides her name.
    const night = Date.parse('2025-01-15T23:00:00Z');
    expect(family(rows(), night)).toEqual(['Anna A.']);
    const snap = rows();
    const residents = snap.residents.map((r) => (r.id === 'anna' ? { ...r, hidden: true } : r));
    expect(family({ ...snap, residents }, NOON)).toEqual(['Erik Andersson']);
    expect(JSON.stringify(visibleDirectory({ ...snap, residents }, night))).not.toContain('Anna');
    // Members listed on the bell are its names, not the whole flat.
    const members = [{ id: 'm', bellId: 'bell-1101-family', residentId: 'erik', position: 0, ringS: null }];
    const listed = {
      ...snap,
      bellMembers: [...snap.bellMembers, ...members.map((m) => ({ ...m, via: 'app' as const }))],
    };
    expect(family(listed, NOON)).toEqual(['Erik Andersson']);
  });

  it('names the site: the building, the entrance (the panel), the building language', () => {
    expect(panelSite(rows(), 'Entrance A')).toEqual({
      buildingName: 'Storgatan 1',
      entranceName: 'Entrance A',
      defaultLanguage: 'sv',
    });
    // Before the first sync: the panel's name, in English.
    const empty = buildingSnapshotSchema.parse({});
    expect(panelSite(empty, 'Entrance A')).toEqual({
      buildingName: 'Entrance A',
      entranceName: 'Entrance A',
      defaultLanguage: 'en',
    });
    // The building of the panel's bells, not another one the snapshot holds for a visiting resident.
    const snap = rows();
    const other = { ...snap.buildings[0]!, id: 'a-other', name: 'Elsewhere', language: 'nb' as const };
    expect(panelSite({ ...snap, buildings: [other, ...snap.buildings] }, 'A').buildingName).toBe(
      'Storgatan 1',
    );
  });

  it('never shows a hidden resident by name', () => {
    const text = JSON.stringify(visibleDirectory(rows(), NOON));
    expect(text).not.toContain('Maja');
    expect(text).not.toContain('Ida');
  });

  it('shows a resident hidden until a time from that time on', () => {
    expect(shown(rows(), NOON + HOUR - 1)).not.toContain('bell-maja');
    expect(shown(rows(), NOON + HOUR)).toContain('bell-maja');
  });

  it('hides a resident during their weekly profile, in the building time zone across DST', () => {
    // Nights 22:00–07:00 Stockholm. 05:30 UTC is 06:30 local on the last day of winter time (hidden) and
    // 07:30 local on the first day of summer time (shown); in October the reverse happens.
    const at = (iso: string) => shown(rows(), Date.parse(iso)).includes('bell-erik');
    expect(at('2025-03-29T05:30:00Z')).toBe(false);
    expect(at('2025-03-30T05:30:00Z')).toBe(true);
    expect(at('2025-10-25T05:30:00Z')).toBe(true);
    expect(at('2025-10-26T05:30:00Z')).toBe(false);
    expect(at('2025-10-26T06:00:00Z')).toBe(true);
    expect(at('2025-01-15T20:59:00Z')).toBe(true);
    expect(at('2025-01-15T21:00:00Z')).toBe(false);
  });

  it('shows pictures only where the building allows them, and only on separate bells', () => {
    expect(visibleDirectory(rows(false), NOON).map((e) => e.picture)).toEqual(Array(6).fill(null));
    const withPictures = visibleDirectory(rows(true), NOON).filter((e) => e.picture !== null);
    expect(withPictures.map((e) => e.bellId)).toEqual(['bell-anna']);
  });

  it('sorts numbers in text by value and ties by bell id', () => {
    const snap = rows();
    const flat = (id: string, displayText: string) => ({ ...snap.bells[5]!, id, displayText });
    const bells = [flat('f10', 'Flat 10'), flat('f2', 'Flat 2'), flat('f2b', 'flat 2'), flat('f1', 'Flat 1')];
    expect(shown({ ...snap, bells, bellMembers: [] }, NOON)).toEqual(['f1', 'f2', 'f2b', 'f10']);
  });

  it('leaves out a unit bell with nobody to ring', () => {
    const snap = rows();
    const members = snap.bellMembers.filter((m) => m.bellId !== 'bell-1201');
    const onlyIda = [
      { id: 'x', bellId: 'bell-1201', residentId: 'ida', position: 0, ringS: null, via: 'app' as const },
    ];
    expect(shown({ ...snap, bellMembers: [...members, ...onlyIda] }, NOON)).not.toContain('bell-1201');
    // A sequential bell whose members are all hidden has nobody to ring either.
    const night = Date.parse('2025-01-15T23:00:00Z');
    const erikOnly = members.filter((m) => m.bellId !== 'bell-1101' || m.residentId === 'erik');
    expect(shown({ ...snap, bellMembers: erikOnly }, night)).not.toContain('bell-1101');
  });
});

describe('bell targets', () => {
  it('separate: the resident with all their app devices, and the bell door', () => {
    expect(bellTarget(rows(), 'bell-anna', NOON)).toEqual({
      bellId: 'bell-anna',
      type: 'separate',
      callees: [{ residentId: 'anna', devices: ['app-anna-phone', 'app-anna-tablet'], hidden: false }],
      ringTimeoutS: 60,
      stepS: 25,
      doorId: 'front',
    });
  });

  it('sequential: members in position order with their ring times; removed ones left out', () => {
    const night = Date.parse('2025-01-15T23:00:00Z');
    expect(bellTarget(rows(), 'bell-1101', night)).toEqual({
      bellId: 'bell-1101',
      type: 'sequential',
      callees: [
        { residentId: 'erik', devices: ['app-erik-phone'], hidden: true, ringS: 20 },
        { residentId: 'anna', devices: ['app-anna-phone', 'app-anna-tablet'], hidden: false },
      ],
      ringTimeoutS: 60,
      stepS: 25,
      doorId: null,
    });
  });

  it('parallel and family without members: every active resident of the unit', () => {
    const parallel = bellTarget(rows(), 'bell-1102', NOON);
    expect(parallel).toMatchObject({ type: 'parallel', ringTimeoutS: 45, doorId: 'front' });
    expect(parallel.callees).toEqual([
      { residentId: 'lars', devices: [], hidden: false },
      { residentId: 'maja', devices: ['app-maja-phone'], hidden: true, phone: '+46701234567' },
    ]);
    const family = bellTarget(rows(), 'bell-1101-family', NOON);
    expect(family.callees.map((c) => c.residentId)).toEqual(['anna', 'erik']);
  });

  it('business: the reception group only', () => {
    const target = bellTarget(rows(), 'bell-1201', NOON);
    expect(target.callees).toEqual([{ residentId: 'sofia', devices: ['app-sofia-phone'], hidden: false }]);
  });

  it('an unknown bell is a NotFoundError that names it', () => {
    expect(() => bellTarget(rows(), 'bell-ghost', NOON)).toThrow(NotFoundError);
    expect(() => bellTarget(rows(), 'bell-ghost', NOON)).toThrow('no doorbell "bell-ghost" on this panel');
  });

  it('drives the router: a sequential bell at night skips the hidden resident', () => {
    const clock = new FakeClock();
    const rung: string[] = [];
    const router = new CallRouter({
      clock,
      newCallId: () => 'call-1',
      ringer: { ring: (_c, residentId) => void rung.push(residentId), stopRinging: () => {} },
      phone: { dial: () => {}, end: () => {} },
      audit: () => {},
    });
    const { doorId: _, ...target } = bellTarget(rows(), 'bell-1101', Date.parse('2025-01-15T23:00:00Z'));
    expect(router.ring(target)).toEqual({ ok: true, callId: 'call-1' });
    expect(rung).toEqual(['anna']);
  });
});

describe('app device owners', () => {
  it('maps a device to its active resident; unknown devices and removed residents map to nobody', () => {
    expect(appDeviceOwner(rows(), 'app-anna-tablet')).toBe('anna');
    expect(appDeviceOwner(rows(), 'app-nobody')).toBeUndefined();
    expect(appDeviceOwner(rows(), 'app-ida-phone')).toBeUndefined();
  });
});

describe('PanelDirectory on the store', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('answers from the synced rows, including what the intercom port asks', () => {
    const t = openTempStore();
    cleanup = t.cleanup;
    t.store.buildingData.replaceBuildingData(directorySnapshot());
    const directory = new PanelDirectory(() => t.store.directory.read());
    expect(directory.visibleDirectory(NOON)).toEqual(visibleDirectory(rows(), NOON));
    expect(directory.directoryReply('Entrance A', NOON)).toEqual({
      site: panelSite(rows(), 'Entrance A'),
      bells: visibleDirectory(rows(), NOON),
    });
    expect(directory.bellTarget('bell-1201', NOON)).toEqual(bellTarget(rows(), 'bell-1201', NOON));
    const { doorId, ...target } = bellTarget(rows(), 'bell-anna', NOON);
    expect(directory.bellRing('bell-anna', NOON)).toEqual({ target, bellText: 'Anna A.', doorId });
    expect(directory.bellRing('bell-1102', NOON).bellText).toBe('Berg');
    expect(directory.appDeviceOwner('app-erik-phone')).toBe('erik');
    expect(directory.ringtoneOf('erik')).toBe('chime');
    expect(directory.ringtoneOf('anna')).toBe('classic');
    // A synced change counts from the next question on.
    t.store.buildingData.delete('bells', 'bell-anna');
    expect(() => directory.bellRing('bell-anna', NOON)).toThrow(NotFoundError);
  });
});

describe('the demo building', () => {
  it('has a bell of every type, a picture, a hidden resident and app devices', () => {
    const demo = buildingSnapshotSchema.parse(demoBuilding());
    const entries = visibleDirectory(demo, NOON);
    expect(new Set(entries.map((e) => e.type))).toEqual(
      new Set(['separate', 'sequential', 'parallel', 'family', 'business']),
    );
    expect(entries.find((e) => e.bellId === DEMO_DIRECTORY.pictureBell)?.picture).toBe(DEMO_PICTURE);
    expect(entries.map((e) => e.bellId)).not.toContain(DEMO_DIRECTORY.hiddenBell);
    // Every flat has the number on its door; the family bell names its residents, the business bell none.
    expect(entries.find((e) => e.bellId === DEMO_DIRECTORY.pictureBell)?.unitNumber).toBe('1001');
    expect(entries.every((e) => e.unitNumber !== null && /^\d+$/.test(e.unitNumber))).toBe(true);
    expect(entries.find((e) => e.bellId === DEMO_DIRECTORY.familyBell)?.memberNames).toEqual([
      'Johan Ek',
      'Lars Ek',
    ]);
    expect(entries.find((e) => e.bellId === DEMO_DIRECTORY.businessBell)?.memberNames).toEqual([]);
    expect(panelSite(demo, 'Entrance A').defaultLanguage).toBe('en');
    expect(appDeviceOwner(demo, DEMO_DIRECTORY.appDevice)).toBe('resident-01');
    expect(bellTarget(demo, DEMO_DIRECTORY.familyBell, NOON).callees.map((c) => c.devices.length)).toEqual([
      0, 1,
    ]);
    // The simulator's phone-fallback demo: a bell whose one resident has a phone number and no app device.
    expect(bellTarget(demo, DEMO_DIRECTORY.phoneBell, NOON).callees).toEqual([
      expect.objectContaining({ residentId: DEMO_PHONE.residentId, devices: [], phone: DEMO_PHONE.number }),
    ]);
  });
});
