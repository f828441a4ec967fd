/**
 * The decision in a building with secure cards (docs/secure-cards.md): a card opens only when it proved
 * the building's key and read back the credential enrolled for its UID. A clone of the UID, a card of
 * another building and a card whose read failed are `card_not_authentic`; a card enrolled before the move
 * (no credential) opens by UID only while the building still accepts UIDs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccessDecider, readerDoorsFromConfig } from '../../../device/access/decide.ts';
import { createUidHash } from '../../../device/access/uid-hash.ts';
import type { BuildingSnapshotInput } from '../../../device/store/snapshot.ts';
import type { Store } from '../../../device/store/store.ts';
import type { SecureCardOutcome } from '../../../hal/reader/types.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { openTempStore } from '../store/temp-store.ts';

const NOW = Date.UTC(2026, 2, 7, 12);
const CREDENTIAL = '0A0B0C0D0E0F1011';

function snapshot(building: Record<string, unknown>): BuildingSnapshotInput {
  return {
    buildings: [{ id: 'b1', name: 'Storgatan 1', timeZone: 'Europe/Stockholm', ...building }],
    doors: [{ id: 'front', buildingId: 'b1', name: 'Front' }],
    units: [{ id: 'u1', buildingId: 'b1', name: '1101' }],
    residents: [{ id: 'alice', unitId: 'u1', name: 'Alice' }],
    cards: [
      { id: 'c-secure', uid: '04112233445566', residentId: 'alice', credential: CREDENTIAL },
      { id: 'c-old', uid: '04A1B2C3', residentId: 'alice' },
      { id: 'c-revoked', uid: '04000001', residentId: 'alice', credential: 'AA', status: 'revoked' },
    ],
    accessRules: [{ id: 'a1', residentId: 'alice', doorId: 'front' }],
  };
}

const genuine: SecureCardOutcome = { ok: true, credential: CREDENTIAL };

describe('AccessDecider with secure cards', () => {
  let store: Store;
  let cleanup: () => void;
  let decider: AccessDecider;
  const load = (building: Record<string, unknown>) => {
    store.buildingData.replaceBuildingData(snapshot(building));
  };
  beforeEach(() => {
    const clock = new FakeClock(NOW);
    ({ store, cleanup } = openTempStore(clock));
    decider = new AccessDecider({
      store,
      clock,
      readerDoors: readerDoorsFromConfig([{ id: 'r-front', doors: ['front'] }]),
      uidHash: createUidHash('test-key-0123456789'),
      repeatTapWindowMs: 0,
    });
  });
  afterEach(() => cleanup());

  const reason = (uid: string, secure?: SecureCardOutcome) => decider.decide('r-front', uid, secure).reason;

  it('desfire: the genuine card opens; its UID alone, a failed read or another credential do not', () => {
    load({ cardMode: 'desfire' });
    expect(reason('04112233445566', genuine)).toBe('granted');
    // A clone: same UID, no key.
    expect(reason('04112233445566', { ok: false, reason: 'card_not_authentic' })).toBe('card_not_authentic');
    // Another building's card that happens to carry the UID, a blank, a read that went wrong.
    expect(reason('04112233445566', { ok: false, reason: 'no_application' })).toBe('card_not_authentic');
    expect(reason('04112233445566', { ok: false, reason: 'card_error' })).toBe('card_not_authentic');
    // A genuine card of this building whose credential belongs to someone else: UID swapped on an emulator.
    expect(reason('04112233445566', { ok: true, credential: 'FFFF' })).toBe('card_not_authentic');
    // No secure read at all (the driver was not asked to make one): never opens a secure building.
    expect(reason('04112233445566')).toBe('card_not_authentic');
  });

  it('a card enrolled before the move opens by UID only while the building accepts UIDs', () => {
    load({ cardMode: 'desfire' });
    expect(reason('04A1B2C3')).toBe('card_not_authentic');
    load({ cardMode: 'desfire', cardAcceptUid: true });
    expect(reason('04A1B2C3')).toBe('granted');
    // A card that has a credential must still prove it.
    expect(reason('04112233445566')).toBe('card_not_authentic');
  });

  it('uid mode is unchanged: the UID decides, a secure read changes nothing', () => {
    load({});
    expect(reason('04112233445566')).toBe('granted');
    expect(reason('04A1B2C3', { ok: false, reason: 'card_not_authentic' })).toBe('granted');
  });

  it('unknown cards stay unknown_card; authenticity is checked before the card status', () => {
    load({ cardMode: 'classic' });
    expect(reason('04999999', genuine)).toBe('unknown_card');
    expect(reason('04000001')).toBe('card_not_authentic');
    expect(reason('04000001', { ok: true, credential: 'AA' })).toBe('card_revoked');
  });
});
