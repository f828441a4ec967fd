/**
 * The demo building's doorbell directory (all on the main entrance): a separate bell with a picture and
 * two app devices, a separate bell of a hidden resident (absent from the screen), and one bell of each
 * unit type — sequential with per-resident ring times, parallel, a family bell without members (it rings
 * the whole flat, one resident of which has only a phone), and a business bell with a reception group.
 * Johan Ek has a phone number and no app device, and his own bell: ringing it places the phone fallback's
 * call alone (`npm start` registers a demo phone as his number at the simulator's SIP edge).
 */
import type { BuildingSnapshotInput } from '../store/snapshot.ts';

/** A 16×16 PNG avatar: small enough to sit in the synced config. */
export const DEMO_PICTURE =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAANElEQVR42mOwyltKEmIYCA1fHl+AI8IakFVj1TMENJDsaZKDlTQnYarG1MNAUDWankGoAQApVcFM7CNBlAAAAABJRU5ErkJggg==';

export const DEMO_DIRECTORY = {
  /** Anna Andersson's own bell, with her picture; she answers on `app-anna-phone` or `app-anna-tablet`. */
  pictureBell: 'bell-anna',
  appDevice: 'app-anna-phone',
  /** Maja Lindqvist hid her name: her bell is not on the screen. */
  hiddenBell: 'bell-maja',
  sequentialBell: 'bell-flat-2002',
  parallelBell: 'bell-flat-3001',
  familyBell: 'bell-flat-3002',
  businessBell: 'bell-flat-4001',
  /** Johan Ek's own bell: he has no app device, only DEMO_PHONE.number (the phone fallback). */
  phoneBell: 'bell-johan',
} as const;

/** The demo's phone-only resident, as the simulator's demo phone registers (E.164: the edge's login). */
export const DEMO_PHONE = {
  residentId: 'resident-06',
  name: 'Johan Ek',
  number: '+46701234506',
} as const;

type Resident = NonNullable<BuildingSnapshotInput['residents']>[number];

/** What some demo residents chose for the directory, by resident id. */
export const demoResidentChoices: Record<string, Partial<Resident>> = {
  'resident-01': { picture: DEMO_PICTURE, ringtone: 'marimba' },
  'resident-03': { hidden: true },
  [DEMO_PHONE.residentId]: { phone: DEMO_PHONE.number },
};

export function demoDirectory(): Pick<BuildingSnapshotInput, 'bells' | 'bellMembers' | 'appDevices'> {
  const doorId = 'main-entrance';
  const separate = (id: string, unitId: string, residentId: string, displayText: string) => ({
    id,
    unitId,
    type: 'separate' as const,
    residentId,
    displayText,
    doorId,
  });
  return {
    bells: [
      separate('bell-anna', 'flat-1001', 'resident-01', 'Anna Andersson'),
      separate('bell-erik', 'flat-1002', 'resident-02', 'Erik Berg'),
      separate('bell-maja', 'flat-2001', 'resident-03', 'Maja Lindqvist'),
      separate(DEMO_DIRECTORY.phoneBell, 'flat-3002', DEMO_PHONE.residentId, DEMO_PHONE.name),
      {
        id: 'bell-flat-2002',
        unitId: 'flat-2002',
        type: 'sequential',
        displayText: 'Nyström',
        doorId,
        stepS: 25,
      },
      { id: 'bell-flat-3001', unitId: 'flat-3001', type: 'parallel', displayText: 'Holm', doorId },
      { id: 'bell-flat-3002', unitId: 'flat-3002', type: 'family', displayText: 'Familjen Ek', doorId },
      {
        id: 'bell-flat-4001',
        unitId: 'flat-4001',
        type: 'business',
        displayText: 'Sjöberg Design AB',
        doorId,
      },
    ],
    bellMembers: [
      { id: 'member-2002-lars', bellId: 'bell-flat-2002', residentId: 'resident-04', position: 0, ringS: 20 },
      { id: 'member-2002-erik', bellId: 'bell-flat-2002', residentId: 'resident-12', position: 1 },
      { id: 'member-3001-sofia', bellId: 'bell-flat-3001', residentId: 'resident-05' },
      { id: 'member-3001-maja', bellId: 'bell-flat-3001', residentId: 'resident-13' },
      { id: 'member-4001-elin', bellId: 'bell-flat-4001', residentId: 'resident-07' },
    ],
    appDevices: [
      { id: 'app-anna-phone', residentId: 'resident-01', name: "Anna's phone" },
      { id: 'app-anna-tablet', residentId: 'resident-01', name: "Anna's tablet" },
      { id: 'app-erik-phone', residentId: 'resident-02', name: "Erik's phone" },
      { id: 'app-lars-phone', residentId: 'resident-04', name: "Lars's phone" },
      { id: 'app-erik-n-phone', residentId: 'resident-12', name: "Erik N's phone" },
      { id: 'app-sofia-phone', residentId: 'resident-05', name: "Sofia's phone" },
      { id: 'app-maja-h-phone', residentId: 'resident-13', name: "Maja H's phone" },
      { id: 'app-lars-ek-phone', residentId: 'resident-14', name: "Lars E's phone" },
      { id: 'app-elin-phone', residentId: 'resident-07', name: "Elin's phone" },
    ],
  };
}
