/**
 * The events routes of the admin API: the filtered list (newest first), the CSV export (same filters,
 * bounded rows, older pages by cursor) and the live stream for WebAdmin (a ticket from an authenticated
 * POST, then an EventSource on the stream path, which is why that one path authenticates by its ticket
 * instead of a bearer header: see event-streams.ts). Building administrators see their buildings' panels
 * only (event-scope.ts).
 */

import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { bearerToken } from '../../../lib/http/bearer.ts';
import { parseInput } from '../../../lib/http/parse-input.ts';
import type { Router } from '../../../lib/http/router.ts';
import { eventStreamReply } from '../../../lib/http/stream-reply.ts';
import { streamTicketBody } from '../../protocol/admin-events.ts';
import { scopedEntities } from './admin-routes.ts';
import type { HubApiContext } from './context.ts';
import { scopedEventFilter } from './event-scope.ts';
import { EventStreams, type StreamLimits } from './event-streams.ts';
import { eventsCsv } from './events-csv.ts';
import type { RequestAuth } from './request-auth.ts';
import { eventsCsvQuery, eventsOrder, eventsQuery, type eventsReply, streamQuery } from './schemas.ts';

/** Authenticated by its ticket, not by the Authorization header (http-server.ts lets it through). */
export const EVENT_STREAM_PATH = '/api/v1/events/stream';

export function addEventRoutes(
  router: Router,
  ctx: HubApiContext,
  auth: RequestAuth,
  limits?: StreamLimits,
): EventStreams {
  const { store } = ctx;
  const streams = new EventStreams({
    events: store.events,
    clock: ctx.clock,
    identify: (credential) => auth.identify(credential, { touch: false }),
    limits,
  });
  ctx.logins.onLogout((token) => streams.endCredential(token));
  const filterOf = (req: IncomingMessage, q: Parameters<typeof scopedEventFilter>[2]) =>
    scopedEventFilter(auth.principalOf(req), scopedEntities(ctx, auth, req), q);
  router
    .add('GET', '/api/v1/events', ({ req, query }) => {
      const q = parseInput(eventsQuery, Object.fromEntries(query), 'query');
      const events = store.events.list({ ...filterOf(req, q), ...q, order: eventsOrder(q) });
      const cursors = events.map((e) => e.cursor);
      const body: z.input<typeof eventsReply> = {
        events,
        nextAfter: Math.max(q.after ?? 0, ...cursors),
        nextBefore: cursors.length ? Math.min(...cursors) : null,
      };
      return { status: 200, body };
    })
    .add('GET', '/api/v1/events.csv', ({ req, query }) => {
      const q = parseInput(eventsCsvQuery, Object.fromEntries(query), 'query');
      const events = store.events.list({
        ...filterOf(req, q),
        before: q.before,
        order: 'desc',
        limit: q.limit,
      });
      const headers: Record<string, string> = {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="portvakt-events.csv"',
      };
      // A full page may have older rows: the next export starts below its last cursor.
      if (events.length === q.limit) headers['x-next-before'] = String(events.at(-1)!.cursor);
      return { status: 200, body: eventsCsv(events), headers };
    })
    .add('POST', '/api/v1/events/stream-ticket', ({ req, body }) => {
      const input = parseInput(streamTicketBody, body ?? {}, 'body');
      const filter = filterOf(req, input);
      const ticket = streams.issue(auth.principalOf(req), bearerToken(req), filter, input.after);
      return { status: 201, body: ticket };
    })
    .add('GET', EVENT_STREAM_PATH, ({ query }) => {
      const q = parseInput(streamQuery, Object.fromEntries(query), 'query');
      return eventStreamReply(streams.open(q.ticket));
    });
  return streams;
}
