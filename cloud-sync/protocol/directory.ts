/**
 * The doorbell directory part of the building snapshot: the bells a panel shows, whom each one rings, the
 * residents' own choices (display text, picture, hiding, ringtone) and the app devices they are logged in
 * on. The panel computes its screen and its call routing from these rows alone, so it works offline.
 *
 * Bell types (docs/architecture.md, "Doorbell types"): a separate bell is one resident's own and names them; every other type belongs
 * to a unit and rings its members (the ring order of a sequential bell, the reception group of a business
 * bell) or, when it lists none, every resident of the unit.
 */
import { z } from 'zod';
// The ringtones the resident app can play are defined with the call messages that carry them.
import { RINGTONES } from './calls.ts';
import { entityId, epochMs, name } from './fields.ts';
import { DEVICE_ID_PATTERN } from './topics.ts';

export const BELL_TYPES = ['separate', 'sequential', 'parallel', 'family', 'business'] as const;
export const bellTypeSchema = z.enum(BELL_TYPES);

/** Decoded size limit of a resident's picture: a directory thumbnail, not a photo album. */
export const PICTURE_MAX_BYTES = 64 * 1024;
// The longest URI that can hold PICTURE_MAX_BYTES; checked first so the pattern never scans megabytes.
const PICTURE_MAX_CHARS = 'data:image/webp;base64,'.length + Math.ceil(PICTURE_MAX_BYTES / 3) * 4;
const PICTURE_URI = /^data:image\/(jpeg|png|webp);base64,([A-Za-z0-9+/]+={0,2})$/;

/** E.164: "+", a country code not starting with 0, at most 15 digits in all. */
export const E164_PATTERN = /^\+[1-9][0-9]{6,14}$/;

const ascii = (bytes: readonly number[], from: number, to: number): string =>
  String.fromCharCode(...bytes.slice(from, to));

/** The bytes each format starts with: a picture whose data is not the type it names is refused. */
const MAGIC: Record<string, (head: readonly number[]) => boolean> = {
  jpeg: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  png: (b) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => b[i] === v),
  webp: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP',
};

/** Why `uri` is not an acceptable picture, or undefined when it is. */
export function pictureIssue(uri: string): string | undefined {
  const match = PICTURE_URI.exec(uri);
  if (!match) return 'must be a base64 data URI of type image/jpeg, image/png or image/webp';
  const [, type, data] = match as unknown as [string, string, string];
  if (data.length % 4 !== 0) return 'base64 data is truncated';
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  if ((data.length / 4) * 3 - padding > PICTURE_MAX_BYTES)
    return `must be at most ${PICTURE_MAX_BYTES / 1024} KiB`;
  // atob exists in Node and in browsers (the resident app validates with this schema too).
  const head = [...atob(data.slice(0, 16))].map((c) => c.charCodeAt(0));
  if (!MAGIC[type]!(head)) return `data is not a ${type} image`;
  return undefined;
}

export const pictureSchema = z
  .string()
  .max(PICTURE_MAX_CHARS, { message: `must be at most ${PICTURE_MAX_BYTES / 1024} KiB`, abort: true })
  .superRefine((uri, ctx) => {
    const issue = pictureIssue(uri);
    if (issue) ctx.addIssue({ code: 'custom', message: issue });
  });

/** What a resident chooses for the directory; spread into the resident row (building.ts). */
export const residentDirectoryFields = {
  /** Shown instead of the name where the resident is named; null = the name. */
  displayName: name.nullable().default(null),
  /** Shown only where the building allows pictures. */
  picture: pictureSchema.nullable().default(null),
  /** Hidden until unhidden: not shown on the panel, skipped by sequential bells. */
  hidden: z.boolean().default(false),
  /** Hidden until this instant (exclusive); null = no such limit. */
  hiddenUntil: epochMs.nullable().default(null),
  /** Hidden during the intervals of this time profile (e.g. nights), in its building's time zone. */
  hiddenProfileId: entityId.nullable().default(null),
  ringtone: z.enum(RINGTONES).default('classic'),
  /** For the phone fallback when no app device answers. */
  phone: z
    .string()
    .regex(E164_PATTERN, 'must be an E.164 number such as "+46701234567"')
    .nullable()
    .default(null),
};

/** Ring times (seconds); shared with the hub's doorbell rows. */
export const bellTiming = {
  /** Order on the panel's list (ascending); equal keys sort by display text. */
  sortKey: z.number().int().min(0).max(1_000_000).default(0),
  /** How long a call rings in all before it ends unanswered. */
  ringTimeoutS: z.number().int().min(10).max(300).default(60),
  /** Sequential bells: how long each resident rings before the next (the field uses 20–30 s). */
  stepS: z.number().int().min(5).max(120).default(25),
};

/** The rule every bell row keeps: a separate bell names its resident, and no other type names one. */
export function bellResidentIssue(b: { type: string; residentId: string | null }): string | undefined {
  if (b.type === 'separate' && b.residentId === null)
    return 'a separate bell belongs to one resident: set residentId';
  if (b.type !== 'separate' && b.residentId !== null)
    return `a ${b.type} bell rings its unit's members, not one resident: leave residentId empty`;
  return undefined;
}

export const bellSchema = z
  .object({
    id: entityId,
    unitId: entityId,
    type: bellTypeSchema,
    /** The family or company name, or the resident's name for a separate bell. */
    displayText: name,
    /** Separate bells only: whose bell it is (the bell's unit is theirs). */
    residentId: entityId.nullable().default(null),
    /** The door a resident may open during a call from this bell; null = none. */
    doorId: entityId.nullable().default(null),
    ...bellTiming,
  })
  .strict()
  .superRefine((b, ctx) => {
    const issue = bellResidentIssue(b);
    if (issue) ctx.addIssue({ code: 'custom', path: ['residentId'], message: issue });
  });

/** How a sequential bell's step reaches its member. */
export const BELL_MEMBER_VIA = ['app', 'phone'] as const;

export const bellMemberFields = {
  /** Ring order of a sequential bell (ascending; ties by id); unused by the other types. */
  position: z.number().int().min(0).max(10_000).default(0),
  /** Sequential bells: this member's ring time instead of the bell's stepS; null = stepS. */
  ringS: z.number().int().min(5).max(120).nullable().default(null),
  /**
   * Sequential bells: 'phone' rings this member's phone (the SIP fallback) instead of their app devices.
   * A member without a phone number is allowed: the panel skips the step and records why.
   */
  via: z.enum(BELL_MEMBER_VIA).default('app'),
};

export const bellMemberSchema = z
  .object({ id: entityId, bellId: entityId, residentId: entityId, ...bellMemberFields })
  .strict();

/** A device a resident is logged in on; its id is its broker username, so it has the device-id form. */
export const appDeviceSchema = z
  .object({
    id: z
      .string()
      .regex(DEVICE_ID_PATTERN, 'must be 1-63 chars of a-z, 0-9, "_" or "-", starting alphanumeric'),
    residentId: entityId,
    name,
    lastSeenAt: epochMs.nullable().default(null),
  })
  .strict();

export type BellType = (typeof BELL_TYPES)[number];
export type Bell = z.output<typeof bellSchema>;
export type BellMember = z.output<typeof bellMemberSchema>;
export type AppDevice = z.output<typeof appDeviceSchema>;

interface DirectoryLists {
  residents: readonly { id: string; unitId: string }[];
  bells: readonly Bell[];
  bellMembers: readonly BellMember[];
}

/**
 * Rules between directory rows that foreign keys cannot state. References to rows missing from the
 * snapshot are left to the database, as for the other lists.
 */
export function reportDirectoryIssues(ctx: z.RefinementCtx, snap: DirectoryLists): void {
  const unitOf = new Map(snap.residents.map((r) => [r.id, r.unitId]));
  const bells = new Map(snap.bells.map((b) => [b.id, b]));
  snap.bells.forEach((b, i) => {
    const unitId = b.residentId === null ? undefined : unitOf.get(b.residentId);
    if (unitId !== undefined && unitId !== b.unitId)
      ctx.addIssue({
        code: 'custom',
        path: ['bells', i, 'unitId'],
        message: `must be the unit of the bell's resident "${b.residentId}" ("${unitId}")`,
      });
  });
  const seen = new Set<string>();
  snap.bellMembers.forEach((m, i) => {
    const issue = (message: string) =>
      ctx.addIssue({ code: 'custom', path: ['bellMembers', i, 'residentId'], message });
    const pair = `${m.bellId}\u0000${m.residentId}`;
    if (seen.has(pair)) issue(`resident "${m.residentId}" is already a member of bell "${m.bellId}"`);
    seen.add(pair);
    const bell = bells.get(m.bellId);
    if (bell?.type === 'separate' && m.residentId !== bell.residentId)
      issue(
        `bell "${m.bellId}" is a separate bell: its only member can be its resident "${bell.residentId}"`,
      );
  });
}
