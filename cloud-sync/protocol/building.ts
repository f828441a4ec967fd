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

export const residentSchema = z
  .object({
    id: entityId,
    unitId: entityId,
    name,
    status: z.enum(['active', 'removed']).default('active'),
    ...residentDirectoryFields,
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
