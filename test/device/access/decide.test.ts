import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccessDecider, readerDoorsFromConfig } from '../../../device/access/decide.ts';
import type { DenyReason } from '../../../device/access/types.ts';
import { createUidHash } from '../../../device/access/uid-hash.ts';
import type { BuildingSnapshotInput } from '../../../device/store/snapshot.ts';
import type { Store } from '../../../device/store/store.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { openTempStore } from '../store/temp-store.ts';

// Saturday 2026-03-07 13:00 in Stockholm (CET).
const NOW = Date.UTC(2026, 2, 7, 12);
const DAY = 86_400_000;
const uidHash = createUidHash('test-key-0123456789');

const readers = [
  { id: 'r-front', doors: ['front'] },
  { id: 'r-gym', doors: ['gym'] },
  { id: 'r-all', doors: ['front', 'garage', 'gym'] },
];

const people = ['alice', 'bob', 'dave', 'erin', 'fred', 'gina', 'harry'];
const card = (id: string, uid: string, residentId: string, extra: object = {}) => ({
  id,
  uid,
  residentId,
  ...extra,
});
const rule = (id: string, residentId: string, doorId: string, extra: object = {}) => ({
  id,
  residentId,
  doorId,
  ...extra,
});

const snapshot: BuildingSnapshotInput = {
  buildings: [{ id: 'b1', name: 'Storgatan 1', timeZone: 'Europe/Stockholm' }],
  doors: ['front', 'garage', 'gym'].map((id) => ({ id, buildingId: 'b1', name: id })),
  units: [{ id: 'u1', buildingId: 'b1', name: '1101' }],
  residents: people.map((id) => ({
    id,
    unitId: 'u1',
    name: id,
    status: id === 'bob' ? 'removed' : 'active',
  })),
  timeProfiles: [
    {
      id: 'weekdays',
      buildingId: 'b1',
      name: 'Weekdays 07–22',
      intervals: [0, 1, 2, 3, 4].map((weekday) => ({ weekday, startMinute: 420, endMinute: 1320 })),
    },
    {
      id: 'weekend',
      buildingId: 'b1',
      name: 'Weekend 10–14',
      intervals: [5, 6].map((weekday) => ({ weekday, startMinute: 600, endMinute: 840 })),
    },
  ],
  cards: [
    card('c-alice', '04A1B2C3', 'alice'),
    card('c-alice7', '04112233445566', 'alice'),
    card('c-revoked', '04000001', 'alice', { status: 'revoked', validUntil: NOW - DAY }),
    card('c-blocked', '04000002', 'alice', { status: 'blocked' }),
    card('c-future', '04000003', 'alice', { validFrom: NOW + DAY }),
    card('c-past', '04000004', 'alice', { validFrom: NOW - 2 * DAY, validUntil: NOW }),
    card('c-bob', '04000005', 'bob'),
    card('c-bob-blocked', '0400000B', 'bob', { status: 'blocked' }),
    card('c-dave', '04000006', 'dave'),
    card('c-erin', '04000007', 'erin'),
    card('c-fred', '04000008', 'fred'),
    card('c-gina', '04000009', 'gina'),
    card('c-harry', '0400000A', 'harry'),
  ],
  accessRules: [
    rule('a1', 'alice', 'front'),
    rule('a2', 'alice', 'garage', { timeProfileId: 'weekend' }),
    rule('a3', 'alice', 'gym', { validUntil: NOW - DAY }),
    rule('b1', 'bob', 'front'),
    rule('e1', 'erin', 'front', { validUntil: NOW }),
    rule('f1', 'fred', 'front', { validFrom: NOW + 1 }),
    rule('g1', 'gina', 'front', { timeProfileId: 'weekdays' }),
    rule('h1', 'harry', 'front', { validUntil: NOW - 1 }),
    rule('h2', 'harry', 'garage', { validFrom: NOW + DAY }),
    rule('h3', 'harry', 'gym', { timeProfileId: 'weekdays' }),
    // A second rule for the same door: any one that passes opens it.
    rule('h4', 'harry', 'gym', { validFrom: NOW + DAY }),
  ],
};

describe('AccessDecider', () => {
  let store: Store;
  let cleanup: () => void;
  let clock: FakeClock;
  let decider: AccessDecider;
  /** A decider on this test's store and clock; repeated taps are decided again unless a window is given. */
  const deciderWith = (repeatTapWindowMs: number) =>
    new AccessDecider({
      store,
      clock,
      readerDoors: readerDoorsFromConfig(readers),
      uidHash,
      repeatTapWindowMs,
    });
  beforeEach(() => {
    clock = new FakeClock(NOW);
    ({ store, cleanup } = openTempStore(clock));
    store.buildingData.replaceBuildingData(snapshot);
    decider = deciderWith(0);
  });
  afterEach(() => cleanup());

  it('grants every door of the reader that the resident may open now', () => {
    expect(decider.decide('r-all', '04A1B2C3')).toEqual({
      granted: true,
      reason: 'granted',
      readerId: 'r-all',
      doorIds: ['front', 'garage'],
      cardId: 'c-alice',
      residentId: 'alice',
      uidHash: uidHash('04A1B2C3'),
    });
    expect(decider.decide('r-front', '04112233445566')).toMatchObject({ granted: true, doorIds: ['front'] });
    // Monday morning: the weekend profile no longer opens the garage.
    clock.setWallTime(Date.UTC(2026, 2, 9, 9));
    expect(decider.decide('r-all', '04A1B2C3').doorIds).toEqual(['front']);
    expect(decider.decide('r-front', '04000009')).toMatchObject({ granted: true, residentId: 'gina' });
  });

  const denials: [DenyReason, string, string][] = [
    ['invalid_uid', 'r-front', '04a1b2c3'],
    ['invalid_uid', 'r-front', '04A1B2'],
    ['invalid_uid', 'nope', 'not hex at all'],
    ['unknown_reader', 'r-back', '04A1B2C3'],
    ['unknown_card', 'r-front', '04FFFFFF'],
    ['card_revoked', 'r-front', '04000001'],
    ['card_blocked', 'r-front', '04000002'],
    ['card_blocked', 'r-front', '0400000B'],
    ['card_not_yet_valid', 'r-front', '04000003'],
    ['card_expired', 'r-front', '04000004'],
    ['resident_removed', 'r-front', '04000005'],
    ['not_allowed_at_door', 'r-front', '04000006'],
    ['expired', 'r-front', '04000007'],
    ['expired', 'r-gym', '04A1B2C3'],
    ['not_yet_valid', 'r-front', '04000008'],
    ['outside_schedule', 'r-front', '04000009'],
    ['expired', 'r-front', '0400000A'],
    ['outside_schedule', 'r-all', '0400000A'],
  ];
  it.each(denials)('denies with %s (%s, %s)', (reason, readerId, uid) => {
    const d = decider.decide(readerId, uid);
    expect(d).toMatchObject({ granted: false, reason, readerId, doorIds: [], uidHash: uidHash(uid) });
    const knowsCard = !['invalid_uid', 'unknown_reader', 'unknown_card'].includes(reason);
    expect(d.cardId !== undefined).toBe(knowsCard);
  });

  it('reports the most specific refusal across doors', () => {
    // harry: front expired, garage not yet valid, gym outside schedule (and a future rule).
    expect(decider.decide('r-all', '0400000A').reason).toBe('outside_schedule');
    // dave has no rule anywhere; erin only an expired one at the front.
    expect(decider.decide('r-all', '04000006').reason).toBe('not_allowed_at_door');
    expect(decider.decide('r-all', '04000007').reason).toBe('expired');
    expect(decider.decide('r-all', '04000008').reason).toBe('not_yet_valid');
  });

  it('rate-limits repeated taps on one reader without deciding again', () => {
    const limited = deciderWith(1500);
    expect(limited.decide('r-front', '04A1B2C3').granted).toBe(true);
    clock.advance(1000);
    expect(limited.decide('r-front', '04A1B2C3')).toMatchObject({ granted: false, reason: 'rate_limited' });
    expect(limited.decide('r-all', '04A1B2C3').granted).toBe(true);
    clock.advance(500);
    expect(limited.decide('r-front', '04A1B2C3').granted).toBe(true);
    // Rejected input is not remembered: it never blocks the real tap that follows.
    expect(limited.decide('r-back', '04000006').reason).toBe('unknown_reader');
    expect(limited.decide('r-front', '04000006').reason).toBe('not_allowed_at_door');
  });

  it('sees changes to building data at the next tap', () => {
    expect(decider.decide('r-front', '04000006').reason).toBe('not_allowed_at_door');
    store.buildingData.upsert('accessRules', { id: 'd1', residentId: 'dave', doorId: 'front' });
    expect(decider.decide('r-front', '04000006').granted).toBe(true);
    store.buildingData.upsert('cards', {
      id: 'c-dave',
      uid: '04000006',
      residentId: 'dave',
      status: 'revoked',
    });
    expect(decider.decide('r-front', '04000006').reason).toBe('card_revoked');
  });

  it('never throws for arbitrary reader ids and UIDs', () => {
    const limited = deciderWith(1500);
    const knownUids = (snapshot.cards ?? []).map((c) => c.uid);
    const uidArb = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary', maxLength: 64 }),
      fc.constantFrom(...knownUids),
      fc.stringMatching(/^([0-9A-F]{8}|[0-9A-F]{14}|[0-9A-F]{20})$/),
    );
    const readerArb = fc.oneof(
      fc.string(),
      fc.constantFrom('r-front', 'r-all', 'r-gym', '__proto__', 'constructor'),
    );
    fc.assert(
      fc.property(readerArb, uidArb, fc.integer({ min: 0, max: 3000 }), (readerId, uid, advance) => {
        clock.advance(advance);
        for (const d of [decider, limited]) {
          const result = d.decide(readerId, uid);
          expect(result.granted).toBe(result.reason === 'granted');
          expect(result.granted).toBe(result.doorIds.length > 0);
          expect(result.uidHash).toMatch(/^[0-9a-f]{16}$/);
          const doors = readers.find((r) => r.id === readerId)?.doors ?? [];
          for (const door of result.doorIds) expect(doors).toContain(door);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
