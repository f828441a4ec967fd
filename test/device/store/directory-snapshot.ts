import type { BuildingSnapshotInput } from '../../../device/store/snapshot.ts';

export const PICTURE =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAANElEQVR42mOwyltKEmIYCA1fHl+AI8IakFVj1TMENJDsaZKDlTQnYarG1MNAUDWankGoAQApVcFM7CNBlAAAAABJRU5ErkJggg==';

/** Wednesday 2025-01-15 12:00 UTC (13:00 in Stockholm). */
export const NOON = Date.UTC(2025, 0, 15, 12);
export const HOUR = 3_600_000;

/**
 * A building in Stockholm with three flats and a bell of every type:
 *  - 1101: Anna (picture, display name, two app devices), Erik (hidden at night, 22–07), Ida (moved out);
 *    her own bell each, a sequential bell (Erik 20 s, then Anna, then Ida) and a family bell without members;
 *  - 1102: Maja (hidden for an hour from NOON, own bell) and Lars (no app device): a parallel bell;
 *  - 1201: a company; its business bell rings the reception (Sofia), not Johan.
 * Flat numbers 1101 and 0012 (1201 has none); the building's screen starts in Swedish.
 */
export function directorySnapshot(picturesAllowed = true): BuildingSnapshotInput {
  const doorId = 'front';
  return {
    buildings: [
      { id: 'b1', name: 'Storgatan 1', timeZone: 'Europe/Stockholm', picturesAllowed, language: 'sv' },
    ],
    doors: [{ id: doorId, buildingId: 'b1', name: 'Front door' }],
    units: [
      { id: 'u1101', buildingId: 'b1', name: '1101', number: '1101' },
      { id: 'u1102', buildingId: 'b1', name: '1102', number: '0012' },
      // An office without a flat number: found by name only.
      { id: 'u1201', buildingId: 'b1', name: '1201' },
    ],
    timeProfiles: [
      {
        id: 'nights',
        buildingId: 'b1',
        name: 'Nights 22–07',
        intervals: [0, 1, 2, 3, 4, 5, 6].flatMap((weekday) => [
          { weekday, startMinute: 0, endMinute: 7 * 60 },
          { weekday, startMinute: 22 * 60, endMinute: 1440 },
        ]),
      },
    ],
    residents: [
      { id: 'anna', unitId: 'u1101', name: 'Anna Andersson', displayName: 'Anna A.', picture: PICTURE },
      { id: 'erik', unitId: 'u1101', name: 'Erik Andersson', hiddenProfileId: 'nights', ringtone: 'chime' },
      { id: 'ida', unitId: 'u1101', name: 'Ida Andersson', status: 'removed', picture: PICTURE },
      { id: 'maja', unitId: 'u1102', name: 'Maja Berg', hiddenUntil: NOON + HOUR, phone: '+46701234567' },
      { id: 'lars', unitId: 'u1102', name: 'Lars Berg' },
      { id: 'sofia', unitId: 'u1201', name: 'Sofia Holm' },
      { id: 'johan', unitId: 'u1201', name: 'Johan Holm' },
    ],
    cards: [],
    accessRules: [],
    bells: [
      { id: 'bell-anna', unitId: 'u1101', type: 'separate', residentId: 'anna', displayText: 'Anna', doorId },
      {
        id: 'bell-erik',
        unitId: 'u1101',
        type: 'separate',
        residentId: 'erik',
        displayText: 'Erik Andersson',
      },
      { id: 'bell-ida', unitId: 'u1101', type: 'separate', residentId: 'ida', displayText: 'Ida Andersson' },
      { id: 'bell-maja', unitId: 'u1102', type: 'separate', residentId: 'maja', displayText: 'Maja Berg' },
      { id: 'bell-1101', unitId: 'u1101', type: 'sequential', displayText: 'Andersson 1101', stepS: 25 },
      { id: 'bell-1101-family', unitId: 'u1101', type: 'family', displayText: 'Familjen Andersson' },
      { id: 'bell-1102', unitId: 'u1102', type: 'parallel', displayText: 'Berg', ringTimeoutS: 45, doorId },
      { id: 'bell-1201', unitId: 'u1201', type: 'business', displayText: 'Holm & Co AB', sortKey: 1 },
    ],
    bellMembers: [
      { id: 'm-1101-erik', bellId: 'bell-1101', residentId: 'erik', position: 0, ringS: 20 },
      { id: 'm-1101-anna', bellId: 'bell-1101', residentId: 'anna', position: 1 },
      { id: 'm-1101-ida', bellId: 'bell-1101', residentId: 'ida', position: 2 },
      { id: 'm-1201-sofia', bellId: 'bell-1201', residentId: 'sofia' },
    ],
    appDevices: [
      { id: 'app-anna-tablet', residentId: 'anna', name: "Anna's tablet" },
      { id: 'app-anna-phone', residentId: 'anna', name: "Anna's phone", lastSeenAt: NOON },
      { id: 'app-erik-phone', residentId: 'erik', name: "Erik's phone" },
      { id: 'app-ida-phone', residentId: 'ida', name: "Ida's phone" },
      { id: 'app-maja-phone', residentId: 'maja', name: "Maja's phone" },
      { id: 'app-sofia-phone', residentId: 'sofia', name: "Sofia's phone" },
    ],
  };
}
