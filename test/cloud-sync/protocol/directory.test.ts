import { describe, expect, it } from 'vitest';
import {
  type BuildingSnapshotInput,
  buildingSnapshotSchema,
} from '../../../cloud-sync/protocol/building-snapshot.ts';
import { PICTURE_MAX_BYTES, pictureIssue } from '../../../cloud-sync/protocol/directory.ts';
import { configPatchMessage } from '../../../cloud-sync/protocol/messages.ts';

const PNG_HEAD = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_HEAD = [0xff, 0xd8, 0xff, 0xe0];
const dataUri = (type: string, bytes: number[], size = bytes.length): string => {
  const body = Buffer.alloc(size);
  Buffer.from(bytes).copy(body);
  return `data:image/${type};base64,${body.toString('base64')}`;
};
const PNG = dataUri('png', PNG_HEAD, 64);

/** The shape every snapshot had before the directory: none of the new keys. */
const legacy = (): BuildingSnapshotInput => ({
  buildings: [{ id: 'b1', name: 'Storgatan 1', timeZone: 'Europe/Stockholm' }],
  doors: [{ id: 'front', buildingId: 'b1', name: 'Front door' }],
  units: [
    { id: 'u1', buildingId: 'b1', name: '1101' },
    { id: 'u2', buildingId: 'b1', name: '1102' },
  ],
  residents: [
    { id: 'anna', unitId: 'u1', name: 'Anna' },
    { id: 'erik', unitId: 'u1', name: 'Erik' },
    { id: 'maja', unitId: 'u2', name: 'Maja' },
  ],
  cards: [],
  timeProfiles: [],
  accessRules: [],
});

const withDirectory = (): BuildingSnapshotInput => ({
  ...legacy(),
  buildings: [{ id: 'b1', name: 'Storgatan 1', timeZone: 'Europe/Stockholm', picturesAllowed: true }],
  residents: [
    { id: 'anna', unitId: 'u1', name: 'Anna', displayName: 'Anna A.', picture: PNG, phone: '+46701234567' },
    { id: 'erik', unitId: 'u1', name: 'Erik', hidden: true, ringtone: 'chime' },
    { id: 'maja', unitId: 'u2', name: 'Maja', hiddenUntil: 1_800_000_000_000 },
  ],
  bells: [
    {
      id: 'bell-anna',
      unitId: 'u1',
      type: 'separate',
      residentId: 'anna',
      displayText: 'Anna',
      doorId: 'front',
    },
    { id: 'bell-u1', unitId: 'u1', type: 'sequential', displayText: 'Andersson', stepS: 20 },
    { id: 'bell-u2', unitId: 'u2', type: 'business', displayText: 'Maja AB' },
  ],
  bellMembers: [
    { id: 'm1', bellId: 'bell-u1', residentId: 'anna', position: 0, ringS: 30 },
    { id: 'm2', bellId: 'bell-u1', residentId: 'erik', position: 1 },
    { id: 'm3', bellId: 'bell-anna', residentId: 'anna' },
  ],
  appDevices: [{ id: 'app-anna-phone', residentId: 'anna', name: "Anna's phone", lastSeenAt: 1 }],
});

/** The issues of an invalid snapshot, as "path: message". */
function problems(snap: BuildingSnapshotInput): string[] {
  const result = buildingSnapshotSchema.safeParse(snap);
  expect(result.success, 'expected the snapshot to be rejected').toBe(false);
  return (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('directory in the building snapshot', () => {
  it('accepts a snapshot with bells, members and app devices, filling defaults', () => {
    const snap = buildingSnapshotSchema.parse(withDirectory());
    expect(snap.buildings[0]!.picturesAllowed).toBe(true);
    expect(snap.residents[1]).toEqual({
      id: 'erik',
      unitId: 'u1',
      name: 'Erik',
      status: 'active',
      displayName: null,
      picture: null,
      hidden: true,
      hiddenUntil: null,
      hiddenProfileId: null,
      ringtone: 'chime',
      phone: null,
      panelPinHash: null,
    });
    expect(snap.bells[1]).toEqual({
      id: 'bell-u1',
      unitId: 'u1',
      type: 'sequential',
      displayText: 'Andersson',
      residentId: null,
      doorId: null,
      sortKey: 0,
      ringTimeoutS: 60,
      stepS: 20,
    });
    expect(snap.bellMembers[1]).toMatchObject({ position: 1, ringS: null });
  });

  it('stays compatible: a snapshot without the directory keys is valid and gets empty defaults', () => {
    const snap = buildingSnapshotSchema.parse(legacy());
    expect(snap.buildings[0]!.picturesAllowed).toBe(false);
    expect(snap.residents[0]).toMatchObject({
      displayName: null,
      picture: null,
      hidden: false,
      ringtone: 'classic',
    });
    expect([snap.bells, snap.bellMembers, snap.appDevices]).toEqual([[], [], []]);
  });

  it('carries the new lists in config patches', () => {
    const patch = configPatchMessage.parse({
      protocol: 1,
      deviceId: 'p1',
      epoch: 1,
      hubKeys: ['A'.repeat(43)],
      baseVersion: 1,
      version: 2,
      issuedAt: 1,
      upsert: { bells: [{}], bellMembers: [], appDevices: [] },
      delete: { bells: ['b'], bellMembers: ['m'], appDevices: ['app-x'] },
    });
    expect(Object.keys(patch.delete)).toEqual(['bells', 'bellMembers', 'appDevices']);
  });

  it('rejects each bad resident field with a message naming it', () => {
    const resident = (fields: object) => ({
      ...withDirectory(),
      residents: [{ id: 'anna', unitId: 'u1', name: 'Anna', ...fields }],
      bells: [],
      bellMembers: [],
      appDevices: [],
    });
    const cases: [object, string][] = [
      [{ phone: '0701234567' }, 'residents.0.phone: must be an E.164 number such as "+46701234567"'],
      [{ phone: '+0701234567' }, 'residents.0.phone: must be an E.164 number'],
      [{ ringtone: 'airhorn' }, 'residents.0.ringtone: Invalid option'],
      [{ hiddenUntil: -1 }, 'residents.0.hiddenUntil'],
      [{ hidden: 'yes' }, 'residents.0.hidden'],
      [{ displayName: '' }, 'residents.0.displayName'],
      [{ picture: 'https://example.com/a.png' }, 'residents.0.picture: must be a base64 data URI of type'],
      [{ picture: dataUri('gif', [0x47, 0x49, 0x46]) }, 'residents.0.picture: must be a base64 data URI'],
      [{ picture: dataUri('jpeg', PNG_HEAD) }, 'residents.0.picture: data is not a jpeg image'],
      [{ picture: 'data:image/png;base64,iVBORw0KGgoAAAA' }, 'residents.0.picture: base64 data is truncated'],
      [
        { picture: dataUri('png', PNG_HEAD, PICTURE_MAX_BYTES + 1) },
        'residents.0.picture: must be at most 64 KiB',
      ],
      [{ colour: 'red' }, 'residents.0: Unrecognized key: "colour"'],
    ];
    for (const [fields, message] of cases) {
      expect(problems(resident(fields)).join('\n'), JSON.stringify(fields).slice(0, 80)).toContain(message);
    }
  });

  it('accepts pictures of each allowed type up to the size limit', () => {
    expect(pictureIssue(dataUri('jpeg', JPEG_HEAD, PICTURE_MAX_BYTES))).toBeUndefined();
    expect(pictureIssue(dataUri('png', PNG_HEAD, 100))).toBeUndefined();
    const webp = [...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WEBPVP8 ')];
    expect(pictureIssue(dataUri('webp', webp))).toBeUndefined();
    expect(pictureIssue(dataUri('webp', PNG_HEAD, 16))).toBe('data is not a webp image');
  });

  it('rejects bad bells, members and app devices with clear messages', () => {
    const base = withDirectory();
    const bells = base.bells!;
    const cases: [BuildingSnapshotInput, string][] = [
      [
        { ...base, bells: [{ ...bells[0]!, residentId: null }], bellMembers: [] },
        'bells.0.residentId: a separate bell belongs to one resident: set residentId',
      ],
      [
        { ...base, bells: [bells[0]!, { ...bells[1]!, residentId: 'anna' }, bells[2]!] },
        "bells.1.residentId: a sequential bell rings its unit's members, not one resident",
      ],
      [
        { ...base, bells: [{ ...bells[0]!, unitId: 'u2' }, bells[1]!, bells[2]!] },
        'bells.0.unitId: must be the unit of the bell\'s resident "anna" ("u1")',
      ],
      [{ ...base, bells: [bells[0]!, { ...bells[1]!, stepS: 4 }, bells[2]!] }, 'bells.1.stepS'],
      [{ ...base, bells: [bells[0]!, { ...bells[1]!, stepS: 121 }, bells[2]!] }, 'bells.1.stepS'],
      [{ ...base, bells: [{ ...bells[0]!, ringTimeoutS: 0 }, bells[1]!, bells[2]!] }, 'bells.0.ringTimeoutS'],
      [{ ...base, bells: [{ ...bells[0]!, type: 'intercom' as 'family' }] }, 'bells.0.type'],
      [{ ...base, bells: [...bells, bells[1]!] }, 'bells.3.id: duplicate id "bell-u1"'],
      [
        { ...base, bellMembers: [...base.bellMembers!, { id: 'm4', bellId: 'bell-u1', residentId: 'erik' }] },
        'bellMembers.3.residentId: resident "erik" is already a member of bell "bell-u1"',
      ],
      [
        { ...base, bellMembers: [{ id: 'm9', bellId: 'bell-anna', residentId: 'erik' }] },
        'bellMembers.0.residentId: bell "bell-anna" is a separate bell: its only member can be its resident "anna"',
      ],
      [
        { ...base, bellMembers: [{ id: 'm9', bellId: 'bell-u1', residentId: 'erik', ringS: 1 }] },
        'bellMembers.0.ringS',
      ],
      [
        { ...base, appDevices: [{ id: 'Anna Phone', residentId: 'anna', name: 'x' }] },
        'appDevices.0.id: must be 1-63 chars of a-z, 0-9, "_" or "-", starting alphanumeric',
      ],
      [
        {
          ...base,
          appDevices: [...base.appDevices!, { id: 'app-anna-phone', residentId: 'erik', name: 'y' }],
        },
        'appDevices.1.id: duplicate id "app-anna-phone"',
      ],
      [
        { ...base, buildings: [{ id: 'b1', name: 'B', timeZone: 'UTC', picturesAllowed: 1 as never }] },
        'buildings.0.picturesAllowed',
      ],
    ];
    for (const [snap, message] of cases) expect(problems(snap).join('\n')).toContain(message);
  });
});
