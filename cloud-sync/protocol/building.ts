/**
 * The rows of the building data a panel decides on: buildings, doors, units, residents, cards, time profiles
 * and access rules. Per-row rules are checked here; the lists they form are in entities.ts and the whole
 * snapshot in building-snapshot.ts. The doorbell directory's rows (bells, who they ring, app devices) are
 * described in directory.ts.
 */
import { z } from 'zod';
import { residentDirectoryFields } from './directory.ts';
import { entityId, epochMs, name } from './fields.ts';
import { panelLanguageSchema } from './panel-api.ts';
import { isTimeZone } from './rules.ts';

/** Normalized card UID: upper-case hex, 4, 7 or 10 bytes. */
export const CARD_UID_PATTERN = /^(?:[0-9A-F]{8}|[0-9A-F]{14}|[0-9A-F]{20})$/;

/** A card's credential (secure card modes): 1 to 30 bytes, upper-case hex. */
export const CARD_CREDENTIAL_PATTERN = /^(?:[0-9A-F]{2}){1,30}$/;

/** Id of the building that holds doors named in the device config but absent from building data. */
export const LOCAL_BUILDING_ID = 'local';

const validity = {
  /** Inclusive; null = since forever. */
  validFrom: epochMs.nullable().default(null),
  /** Exclusive; null = forever. */
  validUntil: epochMs.nullable().default(null),
};
const validWindow = (v: { validFrom: number | null; validUntil: number | null }): boolean =>
  v.validFrom === null || v.validUntil === null || v.validFrom < v.validUntil;
const validWindowIssue = { message: 'validFrom must be before validUntil', path: ['validUntil'] };

const hasControlCharacter = (text: string): boolean =>
  [...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/** The DTMF digits a call's callee may press: RFC 4733's 0-9, * and #. */
export const PHONE_DIGITS_PATTERN = /^[0-9*#]{1,4}$/;

/**
 * What the phone fallback (a SIP call to a resident without the app) says and listens for in this
 * building. Defaults, so snapshots from before the fields existed still parse.
 */
export const buildingPhoneFields = {
  /**
   * Spoken to the callee on answer; null = the panel's default ("Visitor at {building}. Press 5 to
   * open."). One line of text: the panel speaks it with a TTS.
   */
  phonePrompt: z
    .string()
    .trim()
    .min(1, 'must not be empty (null for the default prompt)')
    .max(200, 'must be at most 200 characters')
    .refine((text) => !hasControlCharacter(text), 'must be one line of text without control characters')
    .nullable()
    .default(null),
  /** Each of these digits opens the door during a phone call (once per call). */
  phoneOpenDigits: z
    .string()
    .regex(PHONE_DIGITS_PATTERN, 'must be one to four of the digits 0-9, * and #')
    .default('58'),
};

/** Card modes of a building (docs/secure-cards.md): how its doors know a card is one of its own. */
export const CARD_MODES = ['uid', 'desfire', 'classic'] as const;
export type CardMode = (typeof CARD_MODES)[number];

/** A DESFire application id: 3 bytes of hex, most significant first, not the PICC level (000000). */
export const DESFIRE_AID_PATTERN = /^(?!000000)[0-9A-F]{6}$/;

/**
 * How the building's cards prove they are genuine. Not secret (the keys travel apart, sealed to each
 * panel); defaults keep snapshots from before these fields, and every existing building, in UID mode.
 */
export const buildingCardFields = {
  /**
   * uid: the card's UID decides (readable from a distance, copied in seconds); desfire: DESFire EV2/EV3
   * AES authentication with a per-card key and the credential read; classic: MIFARE Classic with per-card
   * sector keys (legacy: Crypto1 is broken).
   */
  cardMode: z.enum(CARD_MODES).default('uid'),
  /** The building's DESFire application (desfire mode). */
  cardAid: z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.string().regex(DESFIRE_AID_PATTERN, 'must be 3 bytes of hex, not 000000'))
    .default('5056A1'),
  /** The sector holding the credential (classic mode). */
  cardClassicSector: z.number().int().min(1).max(15).default(1),
  /**
   * During a move to secure cards: a card enrolled before it (no credential) still opens by its UID alone.
   * Off by default, since it keeps the weakness the move is meant to end.
   */
  cardAcceptUid: z.boolean().default(false),
};

export const buildingSchema = z
  .object({
    id: entityId,
    name,
    timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as "Europe/Stockholm"'),
    /** The building's policy: whether residents' pictures may be shown on its panels. */
    picturesAllowed: z.boolean().default(false),
    ...buildingPhoneFields,
    /** The language the building's panels start in (a visitor may switch). */
    language: panelLanguageSchema.default('en'),
    ...buildingCardFields,
  })
  .strict();

export const doorSchema = z.object({ id: entityId, buildingId: entityId, name }).strict();

/** A flat number as a visitor dials it on the panel's keypad: digits only, leading zeros kept. */
export const UNIT_NUMBER_PATTERN = /^[0-9]{1,8}$/;

export const unitSchema = z
  .object({
    id: entityId,
    buildingId: entityId,
    name,
    /** The flat number a visitor dials; unique within the building (unitNumberIssues); null = none. */
    number: z
      .string()
      .regex(UNIT_NUMBER_PATTERN, 'must be 1 to 8 digits, such as "0101" (null for none)')
      .nullable()
      .default(null),
  })
  .strict();

/**
 * The units among `units` whose number another unit of the same building already has (index, and the
 * message naming both): a visitor dialing it must reach one flat. Shared by the snapshot, the hub's write
 * rules and the CSV import.
 */
export function unitNumberIssues(
  units: readonly { id: string; buildingId: string; number: string | null }[],
): { index: number; message: string }[] {
  const holder = new Map<string, string>();
  const issues: { index: number; message: string }[] = [];
  units.forEach((unit, index) => {
    if (unit.number === null) return;
    const key = `${unit.buildingId}\u0000${unit.number}`;
    const other = holder.get(key);
    if (other !== undefined && other !== unit.id)
      issues.push({ index, message: `unit "${other}" of the building already has number "${unit.number}"` });
    else holder.set(key, unit.id);
  });
  return issues;
}

/**
 * A resident's panel PIN as panels receive it: `scrypt$N$r$p$salt$hash` (base64url salt of 16 bytes, key of
 * 32) with the parameters fixed, so a panel never runs a costlier scrypt than this one (about 16 MiB and
 * tens of milliseconds on a panel). The PIN itself never leaves the hub.
 */
export const PANEL_PIN_HASH_PATTERN = /^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/;

export const residentSchema = z
  .object({
    id: entityId,
    unitId: entityId,
    name,
    status: z.enum(['active', 'removed']).default('active'),
    ...residentDirectoryFields,
    /**
     * What the resident's PIN at the panel hashes to (they set it in the resident app); only the panels of
     * the resident's own building get it. null: no PIN, no settings at the panel.
     */
    panelPinHash: z
      .string()
      .regex(PANEL_PIN_HASH_PATTERN, 'must be a scrypt hash of the panel PIN')
      .nullable()
      .default(null),
  })
  .strict();

export const cardSchema = z
  .object({
    id: entityId,
    // Upper-casing is the only normalization done here; byte-order or decimal forms are the reader's job.
    uid: z
      .string()
      .transform((s) => s.toUpperCase())
      .pipe(z.string().regex(CARD_UID_PATTERN, 'must be 4, 7 or 10 bytes of hex')),
    residentId: entityId,
    /** blocked: by the resident (lost card); revoked: by the administrator. */
    status: z.enum(['active', 'blocked', 'revoked']).default('active'),
    /**
     * What enrolment wrote into the card's credential file (secure modes, 1 to 30 bytes of hex): a door
     * opens for the card only when the card proves its key and reads back this credential for this UID.
     * null: enrolled by UID only.
     */
    credential: z
      .string()
      .transform((s) => s.toUpperCase())
      .pipe(z.string().regex(CARD_CREDENTIAL_PATTERN, 'must be 1 to 30 bytes of hex'))
      .nullable()
      .default(null),
    ...validity,
  })
  .strict()
  .refine(validWindow, validWindowIssue);

export const intervalSchema = z
  .object({
    /** 0 = Monday … 6 = Sunday. */
    weekday: z.number().int().min(0).max(6),
    /** Minute of the local day, inclusive. */
    startMinute: z.number().int().min(0).max(1439),
    /** Minute of the local day, exclusive; 1440 = midnight at the end of the day. */
    endMinute: z.number().int().min(1).max(1440),
  })
  .strict()
  .refine((i) => i.startMinute < i.endMinute, {
    message: 'startMinute must be before endMinute (split intervals that cross midnight)',
    path: ['endMinute'],
  });

export const timeProfileSchema = z
  .object({ id: entityId, buildingId: entityId, name, intervals: z.array(intervalSchema).max(200) })
  .strict();

export const accessRuleSchema = z
  .object({
    id: entityId,
    residentId: entityId,
    doorId: entityId,
    /** null = at any time. */
    timeProfileId: entityId.nullable().default(null),
    ...validity,
  })
  .strict()
  .refine(validWindow, validWindowIssue);

export type Building = z.output<typeof buildingSchema>;
export type Door = z.output<typeof doorSchema>;
export type Unit = z.output<typeof unitSchema>;
export type Resident = z.output<typeof residentSchema>;
export type Card = z.output<typeof cardSchema>;
export type TimeInterval = z.output<typeof intervalSchema>;
export type TimeProfile = z.output<typeof timeProfileSchema>;
export type AccessRule = z.output<typeof accessRuleSchema>;
