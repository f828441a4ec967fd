/**
 * The event views WebAdmin uses beyond the plain list: the filters every events route takes (list, CSV
 * export, live stream), the stream ticket, and what the stream sends. One definition each, for the hub
 * (validation, OpenAPI) and the browser (its typed client). Card events carry the card's id and a hash of
 * its UID, never the UID itself: nothing here can ask for or return a UID in clear.
 */
import { z } from 'zod';
import { entityId, epochMs } from './fields.ts';

/** The most event types one filter may name. */
export const EVENT_TYPES_MAX = 20;
/** The most rows one CSV export carries; older ones come with before=<the last cursor> (x-next-before). */
export const EVENTS_CSV_MAX_ROWS = 10_000;
/** How long a stream ticket may wait for its stream to open. */
export const STREAM_TICKET_TTL_MS = 30_000;
/** Heartbeat of an idle stream; the credential behind a stream is checked again at every one. */
export const STREAM_HEARTBEAT_MS = 10_000;

const eventType = z
  .string()
  .regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'an event type is lowercase letters, digits and . _ -');
const msQuery = z.coerce.number().pipe(epochMs);

/** Filters of the events routes (query parameters; every one optional, all must match). */
export const eventFilterFields = {
  building: entityId.optional().describe('only events of the panels of this building'),
  door: entityId.optional().describe('only events of this door'),
  resident: entityId.optional().describe('only events naming this resident (card decisions, calls)'),
  card: entityId.optional().describe('only decisions on this card (its id: UIDs are never shown)'),
  type: z
    .string()
    .max(EVENT_TYPES_MAX * 65)
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(eventType).max(EVENT_TYPES_MAX))
    .optional()
    .describe('only these event types, comma separated (access.granted,access.denied)'),
  from: msQuery.optional().describe('only events that happened at or after this time (epoch ms)'),
  to: msQuery.optional().describe('only events that happened before this time (epoch ms)'),
};

/** POST /api/v1/events/stream-ticket: what the stream will carry. */
export const streamTicketBody = z
  .object({
    panel: entityId.optional().describe('only events of this panel'),
    building: eventFilterFields.building,
    door: eventFilterFields.door,
    resident: eventFilterFields.resident,
    card: eventFilterFields.card,
    type: z.array(eventType).max(EVENT_TYPES_MAX).optional().describe('only these event types'),
    after: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('first send the stored events past this cursor (at most 500): resuming after a reconnect'),
  })
  .strict();

export const streamTicketReply = z.object({
  ticket: z.string().describe('single use: GET /api/v1/events/stream?ticket=… (EventSource)'),
  expiresAt: z.number().int().describe('the stream must be opened before this time (epoch ms)'),
});

/**
 * What the stream sends: `event: event` with the stored event as JSON data and its cursor as id;
 * `event: end` with a reason when the hub closes it (session ended, hub stopping); comment heartbeats.
 */
export const streamEndReasons = ['session_ended', 'too_far_behind'] as const;
