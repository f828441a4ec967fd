/**
 * A demo building for the simulator (its screen in English): 8 flats numbered as on their doors
 * (1001…4002, what a visitor dials), 20 residents with cards (4- and 7-byte UIDs), a cleaner on a weekday
 * schedule, a blocked and a revoked card, a resident who moved out, and a doorbell directory
 * (demo-directory.ts) with a bell of every type. Deterministic, so the README's example UIDs always mean
 * the same thing.
 */
import type { BuildingSnapshotInput } from '../store/snapshot.ts';
import { demoDirectory, demoResidentChoices } from './demo-directory.ts';

const FIRST = ['Anna', 'Erik', 'Maja', 'Lars', 'Sofia', 'Johan', 'Elin', 'Karl', 'Ida', 'Nils'];
const LAST = ['Andersson', 'Berg', 'Lindqvist', 'Nyström', 'Holm', 'Ek', 'Sjöberg', 'Dahl'];

export const DEMO_CARDS = {
  /** Anna Andersson, flat 1001: opens the main entrance, the bike room and the garage. */
  resident: '04A1B2C3',
  /** A 7-byte UID (MIFARE DESFire/Ultralight style) of Erik Berg. */
  resident7Byte: '04112233445566',
  /** Blocked by its owner (lost). */
  blocked: '04DEAD01',
  /** Revoked by the administrator. */
  revoked: '04DEAD02',
  /** Belongs to a resident who moved out. */
  removedResident: '04DEAD03',
  /** The cleaner: main entrance on weekdays 07:00–16:00 only. */
  cleaner: '04C1EA40',
  /** Not in the building at all. */
  unknown: '0BADCAFE',
} as const;

export function demoBuilding(): BuildingSnapshotInput {
  const buildingId = 'storgatan-12';
  const snapshot = {
    buildings: [
      {
        id: buildingId,
        name: 'Storgatan 12',
        timeZone: 'Europe/Stockholm',
        picturesAllowed: true,
        language: 'en' as const,
      },
    ],
    doors: [
      { id: 'main-entrance', buildingId, name: 'Main entrance' },
      { id: 'bike-room', buildingId, name: 'Bike room' },
      { id: 'garage', buildingId, name: 'Garage gate' },
    ],
    units: [] as { id: string; buildingId: string; name: string; number: string }[],
    residents: [] as NonNullable<BuildingSnapshotInput['residents']>,
    cards: [] as { id: string; uid: string; residentId: string; status?: 'active' | 'blocked' | 'revoked' }[],
    timeProfiles: [
      {
        id: 'weekday-daytime',
        buildingId,
        name: 'Weekdays 07–16',
        intervals: [0, 1, 2, 3, 4].map((weekday) => ({ weekday, startMinute: 7 * 60, endMinute: 16 * 60 })),
      },
    ],
    accessRules: [] as { id: string; residentId: string; doorId: string; timeProfileId?: string | null }[],
  };
  for (let floor = 1; floor <= 4; floor++) {
    for (const flat of [1, 2]) {
      const number = `${floor}00${flat}`;
      // The number a visitor dials on the keypad is the one on the flat's door.
      snapshot.units.push({ id: `flat-${number}`, buildingId, name: `Flat ${number}`, number });
    }
  }
  for (let i = 0; i < 20; i++) {
    const residentId = `resident-${String(i + 1).padStart(2, '0')}`;
    const unitId = snapshot.units[i % snapshot.units.length]!.id;
    const name = `${FIRST[i % FIRST.length]} ${LAST[i % LAST.length]}`;
    snapshot.residents.push({
      id: residentId,
      unitId,
      name,
      status: i === 19 ? 'removed' : 'active',
      ...demoResidentChoices[residentId],
    });
    snapshot.cards.push({ id: `card-${residentId}`, uid: cardUid(i), residentId });
    snapshot.accessRules.push({ id: `rule-${residentId}-main`, residentId, doorId: 'main-entrance' });
    if (i % 2 === 0)
      snapshot.accessRules.push({ id: `rule-${residentId}-bike`, residentId, doorId: 'bike-room' });
    if (i % 4 === 0)
      snapshot.accessRules.push({ id: `rule-${residentId}-garage`, residentId, doorId: 'garage' });
  }
  snapshot.cards.push(
    { id: 'card-lost', uid: DEMO_CARDS.blocked, residentId: 'resident-02', status: 'blocked' },
    { id: 'card-revoked', uid: DEMO_CARDS.revoked, residentId: 'resident-03', status: 'revoked' },
  );
  snapshot.residents.push({ id: 'cleaner', unitId: 'flat-1001', name: 'Städbolaget AB' });
  snapshot.cards.push({ id: 'card-cleaner', uid: DEMO_CARDS.cleaner, residentId: 'cleaner' });
  snapshot.accessRules.push({
    id: 'rule-cleaner-main',
    residentId: 'cleaner',
    doorId: 'main-entrance',
    timeProfileId: 'weekday-daytime',
  });
  return { ...snapshot, ...demoDirectory() };
}

function cardUid(i: number): string {
  if (i === 0) return DEMO_CARDS.resident;
  if (i === 1) return DEMO_CARDS.resident7Byte;
  if (i === 19) return DEMO_CARDS.removedResident;
  // Alternate 4- and 7-byte UIDs, the two sizes found on residents' key fobs.
  const n = (0x10 + i).toString(16).toUpperCase().padStart(2, '0');
  return i % 2 === 0 ? `04${n}${n}${n}` : `04${n}${n}${n}${n}${n}${n}`;
}
