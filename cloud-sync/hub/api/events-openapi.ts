/** The events routes' part of the hub admin API's OpenAPI document (openapi.ts). */
import { errorBody } from '../../../lib/http/error-body.ts';
import { json, jsonIn, queryParameters } from '../../../lib/http/openapi-parts.ts';
import {
  EVENTS_CSV_MAX_ROWS,
  STREAM_HEARTBEAT_MS,
  STREAM_TICKET_TTL_MS,
  streamTicketBody,
  streamTicketReply,
} from '../../protocol/admin-events.ts';
import { EVENT_STREAM_PATH } from './event-routes.ts';
import { eventsCsvQuery, eventsQuery, eventsReply, streamQuery } from './schemas.ts';

const errors = {
  '4XX': { description: 'bad filter, a panel or building not yours, missing credential', ...json(errorBody) },
};
const SCOPE =
  "A building administrator sees the events of her buildings' panels only; naming another building's panel or building answers 404.";

export function eventApiPaths(): Record<string, unknown> {
  return {
    '/api/v1/events': {
      get: {
        summary: 'Stored panel events, filtered, newest first (order=asc: oldest first)',
        description: SCOPE,
        parameters: queryParameters(eventsQuery),
        responses: { 200: { description: 'events', ...json(eventsReply) }, ...errors },
      },
    },
    '/api/v1/events.csv': {
      get: {
        summary: 'The same events as CSV, newest first',
        description: `${SCOPE} At most ${EVENTS_CSV_MAX_ROWS} rows; a full page answers x-next-before: pass it as before= for older rows. Card UIDs (and their hashes) are never exported; cells a spreadsheet would run as formulas start with an apostrophe.`,
        parameters: queryParameters(eventsCsvQuery),
        responses: {
          200: {
            description: 'CSV (RFC 4180, CRLF)',
            headers: { 'x-next-before': { schema: { type: 'integer' }, description: 'more rows are older' } },
            content: { 'text/csv': { schema: { type: 'string' } } },
          },
          ...errors,
        },
      },
    },
    '/api/v1/events/stream-ticket': {
      post: {
        summary: 'A single-use ticket for a live event stream (EventSource cannot send the session header)',
        description: `${SCOPE} The ticket must be used within ${STREAM_TICKET_TTL_MS / 1000} s. At most 4 open streams (and 4 unused tickets) per administrator, 64 per hub: beyond, 429.`,
        requestBody: jsonIn(streamTicketBody),
        responses: { 201: { description: 'ticket', ...json(streamTicketReply) }, ...errors },
      },
    },
    [EVENT_STREAM_PATH]: {
      get: {
        summary: 'Live events (server-sent events), authenticated by its ticket',
        description: `Sends \`event: event\` (id: the cursor, data: the stored event as JSON) for each new event the ticket's filter selects; a heartbeat comment every ${STREAM_HEARTBEAT_MS / 1000} s, at which the session behind it is checked again: logged out, expired or no longer covering the filter, the stream ends with \`event: end\` (data: session_ended). To resume, get a new ticket with after=<the last id seen>.`,
        security: [],
        parameters: queryParameters(streamQuery),
        responses: {
          200: {
            description: 'the stream',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          401: { description: 'unknown, used or expired ticket, or its session ended', ...json(errorBody) },
          429: { description: 'too many open streams', ...json(errorBody) },
        },
      },
    },
  };
}
