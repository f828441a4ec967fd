/**
 * The replies of the panel's local API that the panel page (panel-ui/) reads: the panel's health, the
 * directory as the visitor sees it and the call in progress. One definition for the three that use
 * them: the panel builds them (device/intercom, device/panel), the local API documents them in its
 * OpenAPI document (device/api/openapi.ts), and the page types its requests with them. They live here,
 * not in device/, because the page is browser code and may import only this folder; the page imports
 * the types alone, so no validator ships to the kiosk.
 */
import { z } from 'zod';
import { bellTypeSchema } from './directory.ts';

export const panelHealth = z.object({
  status: z.enum(['ok', 'degraded']),
  panelId: z.string(),
  panelName: z.string(),
  uptimeS: z.number(),
  lastSeq: z.number().int(),
  readers: z.array(z.string()),
  /**
   * Whether audit writes reach the disk. `degraded`: a storage fault (full or failing disk) — doors
   * still work, events are held in memory (`held`, `dropped` when the buffer overflowed) until it clears.
   */
  storage: z.object({
    state: z.enum(['ok', 'degraded']),
    code: z.string().optional(),
    since: z.number().optional(),
    held: z.number().int(),
    dropped: z.number().int(),
  }),
});

/** The languages of the panel's screen; a building picks its default, the visitor may switch. */
export const PANEL_LANGUAGES = ['nb', 'en', 'sv'] as const;
export const panelLanguageSchema = z.enum(PANEL_LANGUAGES);

/** A bell on the panel's screen. Hidden residents' bells are left out before it is built. */
export const directoryEntry = z.object({
  bellId: z.string(),
  type: bellTypeSchema,
  /** The resident's own display name on a separate bell when they set one, else the bell's text. */
  displayText: z.string(),
  /** Every bell belongs to a unit (a foreign key in the panel's store), so there is always a name. */
  unitName: z.string(),
  unitNumber: z
    .string()
    .nullable()
    .describe("the unit's flat number (digits) a visitor dials on the keypad; null: the unit has none"),
  memberNames: z
    .array(z.string())
    .describe(
      "family bells: the shown names of the unit's residents who are not hidden, so a visitor finds the " +
        'family by a first name (search only, not listed); other bells: empty',
    ),
  picture: z.string().nullable().describe('a data URI, only where the building allows pictures'),
});

/** What the home screen names: where the visitor is, and the language it starts in. */
export const panelSite = z.object({
  buildingName: z.string().describe("the building's name; the panel's name while it has no building data"),
  entranceName: z.string().describe("the panel's name (the entrance it stands at)"),
  defaultLanguage: panelLanguageSchema,
});

export const directoryReply = z.object({ site: panelSite, bells: z.array(directoryEntry) });

/**
 * A card tap as the screen shows it, sent on the screen stream at the decision. A refusal carries no
 * reason and no name: the screen tells a stranger nothing ("not accepted"), whoever the card was.
 */
export const cardFeedback = z.object({
  tapId: z
    .string()
    .describe('random per tap, never derived from the card: names this tap to the resident sign-in'),
  at: z.number().describe('wall time of the decision, ms'),
  granted: z.boolean(),
  doors: z
    .array(z.object({ id: z.string(), name: z.string() }))
    .describe('the doors that opened (empty when refused)'),
});

/** How a visitor's call ended (busy and failed come from the phone leg; no_app_device: nobody reachable). */
export const CALL_OUTCOMES = [
  'answered',
  'no_answer',
  'declined',
  'cancelled',
  'no_app_device',
  'busy',
  'failed',
] as const;

/** The panel's one call: ringing until a resident answers, then connected, then idle again. */
export const callState = z.union([
  z.object({
    phase: z.literal('idle'),
    last: z
      .object({ callId: z.string(), outcome: z.enum(CALL_OUTCOMES) })
      .optional()
      .describe('how the last call ended, until the next one starts (the screen says so)'),
    lastDoorOpened: z
      .object({ id: z.string(), name: z.string() })
      .optional()
      .describe('the door the last call opened, if it did, until the next call starts'),
  }),
  z.object({
    phase: z.enum(['ringing', 'connected']),
    callId: z.string(),
    bellId: z.string(),
    bellText: z.string(),
    since: z.number().describe('wall time the call started, ms'),
    phone: z
      .enum(['dialing', 'ringing', 'connected'])
      .optional()
      .describe("the phone fallback's leg, while it is the one ringing or connected"),
    doorOpened: z
      .object({ id: z.string(), name: z.string() })
      .optional()
      .describe('the door the answering resident opened during this call (the screen says which)'),
  }),
]);

export const ringReply = z.object({ callId: z.string(), call: callState });

export type PanelHealth = z.output<typeof panelHealth>;
export type DirectoryEntry = z.output<typeof directoryEntry>;
export type DirectoryReply = z.output<typeof directoryReply>;
export type CallState = z.output<typeof callState>;
export type RingReply = z.output<typeof ringReply>;
export type PanelLanguage = z.output<typeof panelLanguageSchema>;
export type PanelSite = z.output<typeof panelSite>;
export type CardFeedback = z.output<typeof cardFeedback>;

/**
 * The screen stream (`GET /api/v1/screen/stream`, server-sent events) the page keeps open: `directory`
 * (a DirectoryReply) when it connects and whenever an applied config changed it, `call` (a CallState)
 * whenever the call changes, `card` (a CardFeedback) at each tap's decision.
 */
export const SCREEN_STREAM_PATH = '/api/v1/screen/stream';
export type ScreenStreamEvent =
  | { event: 'directory'; data: DirectoryReply }
  | { event: 'call'; data: CallState }
  | { event: 'card'; data: CardFeedback };
