/**
 * A resident's doorbell settings at their own panel (the product's terms: "doorbell settings can be
 * adjusted on the doorbell panel the resident is registered on"). The resident sets a panel PIN in the
 * resident app; at the panel they tap their own card, confirm with the PIN, and may hide or show their
 * name and change the text of their bell there. The change goes to the hub as an audit event
 * (`resident.panel_settings_changed`), which the hub applies like the app's own change.
 *
 * One definition each for the hub (the PIN routes, the event it applies), the panel (its local API) and
 * the browser apps (the resident app's PIN section, the panel page's resident screens, which import the
 * types only).
 */
import { z } from 'zod';
import { selfBellTextBody } from './resident-self-service.ts';

/** 4 to 8 digits: typed on the panel's keypad. */
export const PANEL_PIN_PATTERN = /^[0-9]{4,8}$/;

/**
 * Why a PIN is too easy to guess, or undefined: one digit repeated (0000) or a straight run up or down,
 * wrapping past 9 (1234, 9876, 8901).
 */
export function trivialPinIssue(pin: string): string | undefined {
  const digits = [...pin].map(Number);
  if (digits.every((d) => d === digits[0])) return 'must not be one digit repeated';
  const steps = digits.slice(1).map((d, i) => (d - digits[i]! + 10) % 10);
  if (steps.every((s) => s === 1) || steps.every((s) => s === 9)) return 'must not be a run such as 1234';
  return undefined;
}

/** A new panel PIN: 4 to 8 digits and not trivial. */
export const panelPin = z
  .string()
  .regex(PANEL_PIN_PATTERN, 'must be 4 to 8 digits')
  .superRefine((pin, ctx) => {
    const issue = trivialPinIssue(pin);
    if (issue) ctx.addIssue({ code: 'custom', message: issue });
  });

/** Hub resident API, `PUT /api/v1/resident/panel-pin`: the current password confirms who sets it. */
export const panelPinSetBody = z
  .object({
    pin: panelPin,
    password: z.string().min(1).max(200).describe("the resident's current app password"),
  })
  .strict();

/** `GET /api/v1/resident/panel-pin`: whether one is set (the PIN and its hash are never returned). */
export const panelPinStatus = z
  .object({ set: z.boolean(), setAt: z.number().int().nullable().describe('when it was set, ms') })
  .strict();

/** The panel's local API: sign in, change, sign out. */
export const RESIDENT_SESSION_PATH = '/api/v1/resident-session';
/** How long after the tap its tapId signs in. */
export const SIGN_IN_TAP_MAX_AGE_MS = 60_000;
/** A session at the panel lasts this long at most (one at a time). */
export const RESIDENT_SESSION_MAX_MS = 3 * 60_000;

export const residentSignInBody = z
  .object({
    tapId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be the tapId of a card event')
      .describe("the tap's id from the screen stream's `card` event"),
    // The format only: a trivial PIN is refused when set, and saying so here would tell nothing useful.
    pin: z.string().regex(PANEL_PIN_PATTERN, 'must be 4 to 8 digits'),
  })
  .strict();

/** What the settings screen shows of the signed-in resident. */
export const residentPanelSettings = z
  .object({
    name: z.string().describe("the resident's name (the greeting)"),
    displayName: z
      .string()
      .nullable()
      .describe('the text this panel shows on their own bell; null: they have no bell of their own here'),
    hidden: z.boolean().describe('their own "hide my name" switch'),
  })
  .strict();

export const residentSessionReply = z
  .object({
    token: z.string().describe('Authorization: Bearer <token> for the session routes'),
    expiresAt: z.number().int().describe('wall time the session ends, ms'),
    resident: residentPanelSettings,
  })
  .strict();

/** The change a resident makes at the panel, as the panel validates it and the hub applies it. */
const settingsFields = {
  displayName: selfBellTextBody.shape.displayText
    .nullable()
    .describe('the text of their own bell on this panel; null: their name'),
  hidden: z.boolean(),
};

/** `PATCH /api/v1/resident-session/me`. */
export const residentSettingsPatch = z
  .object(settingsFields)
  .partial()
  .strict()
  .refine((p) => p.displayName !== undefined || p.hidden !== undefined, 'name at least one setting');

/** `PATCH …/me` answers 202: the change is on its way to the hub, not in force yet. */
export const residentSettingsSent = z
  .object({
    sent: z.literal(true),
    eventId: z.string().describe('the audit event that carries the change to the hub'),
  })
  .strict();

/** The audit event type that carries a change to the hub. */
export const PANEL_SETTINGS_CHANGED = 'resident.panel_settings_changed';

/** Its `data`: whose settings, and the fields the resident changed (absent: unchanged). */
export const panelSettingsChangedData = z
  .object({ residentId: z.string().min(1).max(128), ...settingsFields })
  .partial({ displayName: true, hidden: true })
  .strict();

export type PanelPinStatus = z.output<typeof panelPinStatus>;
export type PanelPinSetBody = z.output<typeof panelPinSetBody>;
export type ResidentSignInBody = z.output<typeof residentSignInBody>;
export type ResidentPanelSettings = z.output<typeof residentPanelSettings>;
export type ResidentSessionReply = z.output<typeof residentSessionReply>;
export type ResidentSettingsPatch = z.output<typeof residentSettingsPatch>;
export type ResidentSettingsSent = z.output<typeof residentSettingsSent>;
export type PanelSettingsChangedData = z.output<typeof panelSettingsChangedData>;
