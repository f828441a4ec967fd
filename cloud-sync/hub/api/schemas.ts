/**
 * Request and response shapes of the hub admin API that only the hub uses (events, key rotation). What
 * WebAdmin reads too is in the protocol: entity rows in protocol/hub-entities.ts, panel status, commands
 * and door actions in protocol/admin-panels.ts, accounts and the change log in protocol/admin-api.ts.
 */
import { z } from 'zod';
import { pageQueryFields } from '../../../lib/http/paging.ts';
import { eventsListReply } from '../../protocol/admin-event-view.ts';
import { EVENTS_CSV_MAX_ROWS, eventFilterFields } from '../../protocol/admin-events.ts';

const cursor = z.coerce.number().int('must be an integer').min(0);

export const eventsQuery = z
  .object({
    panel: z.string().min(1).max(63).optional().describe('only events of this panel'),
    ...eventFilterFields,
    order: z
      .enum(['asc', 'desc'])
      .optional()
      .describe(
        'desc: newest first (the default), older pages with before=nextBefore; asc: oldest first, next pages with after=nextAfter (the default when only after is given)',
      ),
    after: cursor
      .optional()
      .describe('only events with cursor > after (the hub assigns cursors in arrival order)'),
    before: cursor.optional().describe('only events with cursor < before'),
    limit: pageQueryFields('').limit,
  })
  .strict();

/** GET /api/v1/events.csv: the same filters, newest first, older pages with before=x-next-before. */
export const eventsCsvQuery = z
  .object({
    panel: eventsQuery.shape.panel,
    ...eventFilterFields,
    before: cursor
      .optional()
      .describe('only events with cursor < before (the x-next-before of a full export)'),
    limit: z.coerce.number().int().min(1).max(EVENTS_CSV_MAX_ROWS).default(EVENTS_CSV_MAX_ROWS),
  })
  .strict();

/** GET /api/v1/events/stream: the ticket from POST /api/v1/events/stream-ticket. */
export const streamQuery = z.object({ ticket: z.string().min(1).max(100) }).strict();

/** What GET /api/v1/events answers (the protocol's: WebAdmin validates it). */
export const eventsReply = eventsListReply;

/** The listing order: newest first unless the caller follows the stream with `after` alone. */
export function eventsOrder(q: z.output<typeof eventsQuery>): 'asc' | 'desc' {
  return q.order ?? (q.after !== undefined && q.before === undefined ? 'asc' : 'desc');
}

export const rotationBody = z
  .object({
    step: z.enum(['begin', 'finish']).describe('begin: panels learn the next key; finish: sign with it only'),
    force: z.boolean().default(false).describe('finish although some panels have not applied the begin step'),
  })
  .strict();
