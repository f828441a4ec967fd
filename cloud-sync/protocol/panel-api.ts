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

/** A bell on the panel's screen. Hidden residents' bells are left out before it is built. */
export const directoryEntry = z.object({
  bellId: z.string(),
  type: bellTypeSchema,
  /** The resident's own display name on a separate bell when they set one, else the bell's text. */
  displayText: z.string(),
  /** Every bell belongs to a unit (a foreign key in the panel's store), so there is always a name. */
  unitName: z.string(),
  picture: z.string().nullable().describe('a data URI, only where the building allows pictures'),
});

export const directoryReply = z.object({ bells: z.array(directoryEntry) });

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
  }),
]);

export const ringReply = z.object({ callId: z.string(), call: callState });

export type PanelHealth = z.output<typeof panelHealth>;
export type DirectoryEntry = z.output<typeof directoryEntry>;
export type DirectoryReply = z.output<typeof directoryReply>;
export type CallState = z.output<typeof callState>;
export type RingReply = z.output<typeof ringReply>;
