/**
 * The resident app's self-service part of the hub's resident API: the resident's own profile, doorbell
 * settings, picture, cards and app devices. Request bodies the hub validates and replies the browser
 * validates, one definition each (like resident-api.ts). Everything here is about the caller's own rows:
 * the hub finds them from the session, never from an id the caller names alone.
 */
import { z } from 'zod';
import { CARD_UID_PATTERN, intervalSchema } from './building.ts';
import { RINGTONES } from './calls.ts';
import { E164_PATTERN } from './directory.ts';
import { entityId, epochMs, name } from './fields.ts';

/** The most bytes of an uploaded picture file (before the hub re-encodes it to a small JPEG). */
export const PICTURE_UPLOAD_MAX_BYTES = 160 * 1024;
/** The most pixels the hub decodes of an uploaded picture (a decompression bomb is refused unread). */
export const PICTURE_MAX_INPUT_PIXELS = 16_000_000;
/** The re-encoded picture fits in this square (pixels), keeping its aspect. */
export const PICTURE_SIDE_PX = 320;
/** The most cards a resident may hold when adding one themselves. */
export const SELF_CARDS_MAX = 10;
/** How far ahead "hide until" may reach (a year): beyond it, "hide now" is what the resident means. */
export const HIDE_UNTIL_MAX_MS = 366 * 86_400_000;

/**
 * Text a resident writes that panels show to visitors: trimmed, and without control characters or
 * bidirectional overrides (which could hide or reorder what the panel shows).
 */
const shownText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[^\p{Cc}\u202A-\u202E\u2066-\u2069]*$/u, 'must not contain control or direction characters');

const email = z.email('must be an e-mail address such as "anna@example.com"').max(254);
const phone = z.string().regex(E164_PATTERN, 'must be an E.164 number such as "+46701234567"');

export const selfProfile = z.object({ name, phone: phone.nullable(), email: email.nullable() }).strict();

/** A partial profile; null clears the phone number or e-mail. */
export const selfProfileBody = selfProfile
  .extend({ name: shownText(100) })
  .partial()
  .strict();

/** One of the resident's own bells on a panel: its text is the resident's to choose. */
export const selfBell = z
  .object({
    bellId: entityId,
    panelId: entityId,
    panelName: name,
    displayText: name,
    /** Whether this panel shows the resident's picture (the building's policy). */
    picturesAllowed: z.boolean(),
  })
  .strict();

/** A unit bell the resident is rung by; its text and type are the unit owner's or administrator's. */
export const unitBell = z
  .object({
    bellId: entityId,
    panelId: entityId,
    panelName: name,
    displayText: name,
    type: z.string().max(20),
  })
  .strict();

export const weeklyIntervals = z.array(intervalSchema).max(50);

export const selfDoorbell = z
  .object({
    bells: z.array(selfBell),
    unitBells: z.array(unitBell),
    /** Whether the resident's building lets panels show pictures (uploading one is refused otherwise). */
    picturesAllowed: z.boolean(),
    picture: z.string().nullable().describe('the re-encoded JPEG as a data URI, or null'),
    hidden: z.boolean(),
    hiddenUntil: epochMs.nullable(),
    /** The weekly hours the resident is hidden, in the building's time zone; empty = none. */
    hiddenWeekly: weeklyIntervals,
    ringtone: z.enum(RINGTONES),
  })
  .strict();

export const selfDoorbellBody = z
  .object({
    hidden: z.boolean(),
    hiddenUntil: epochMs.nullable(),
    hiddenWeekly: weeklyIntervals,
    ringtone: z.enum(RINGTONES),
  })
  .partial()
  .strict();

export const selfBellTextBody = z.object({ displayText: shownText(60) }).strict();

export const pictureUploadBody = z
  .object({
    image: z
      .string()
      .max(Math.ceil(PICTURE_UPLOAD_MAX_BYTES / 3) * 4 + 4, {
        message: `the picture file must be at most ${PICTURE_UPLOAD_MAX_BYTES / 1024} KiB`,
      })
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be the file as base64')
      .describe('the picture file (JPEG, PNG or WebP) as base64'),
  })
  .strict();

export const selfCard = z
  .object({
    id: entityId,
    /** The last hex digits of the UID only: enough to tell one's cards apart. */
    uidEnd: z.string().max(8),
    status: z.enum(['active', 'blocked', 'revoked']),
    /** Whether the resident may block or unblock it (not a card the administrator revoked). */
    changeable: z.boolean(),
  })
  .strict();

export const selfCardsReply = z
  .object({
    cards: z.array(selfCard),
    /** The building's policy "residents may add their own cards". */
    mayAdd: z.boolean(),
  })
  .strict();

export const selfCardAddBody = z
  .object({
    uid: z
      .string()
      .trim()
      .transform((s) => s.replace(/[\s:]/g, '').toUpperCase())
      .pipe(z.string().regex(CARD_UID_PATTERN, 'must be 4, 7 or 10 bytes of hex, e.g. "04A1B2C3"')),
  })
  .strict();

const panelRef = z.object({ panelId: entityId, panelName: name }).strict();

/** With `?wait=MS`: where a card change is in force, and the panels that have not applied it yet. */
export const panelsOutcome = z
  .object({
    applied: z.array(panelRef),
    notApplied: z.array(panelRef.extend({ reason: z.enum(['offline', 'behind']) }).strict()),
  })
  .strict();

/** A card change's answer: the card, and with `?wait=` whether the panels enforce it. */
export const selfCardChange = selfCard
  .extend({ panels: panelsOutcome.nullable().describe('null without ?wait') })
  .strict();

export const selfCardStatusBody = z.object({ status: z.enum(['active', 'blocked']) }).strict();

export const selfDevice = z
  .object({
    id: entityId,
    name,
    lastSeenAt: epochMs.nullable(),
    loggedIn: z.boolean(),
    /** The device this request came from. */
    current: z.boolean(),
  })
  .strict();

export const selfDevicesReply = z.object({ devices: z.array(selfDevice) }).strict();

export type SelfProfile = z.output<typeof selfProfile>;
export type SelfProfileBody = z.output<typeof selfProfileBody>;
export type SelfBell = z.output<typeof selfBell>;
export type UnitBell = z.output<typeof unitBell>;
export type SelfDoorbell = z.output<typeof selfDoorbell>;
export type SelfDoorbellBody = z.output<typeof selfDoorbellBody>;
export type SelfCard = z.output<typeof selfCard>;
export type SelfCardsReply = z.output<typeof selfCardsReply>;
export type SelfCardChange = z.output<typeof selfCardChange>;
export type PanelsOutcome = z.output<typeof panelsOutcome>;
export type SelfDevice = z.output<typeof selfDevice>;
export type WeeklyInterval = z.output<typeof intervalSchema>;
