/**
 * An event as the hub stores and lists it (`GET /api/v1/events`, the live stream's `event` data): the
 * panel's audit event plus the hub's cursor (arrival order), the panel it came from and when it arrived.
 * In the protocol because WebAdmin validates what it shows with it.
 */
import { z } from 'zod';
import { auditEventSchema } from './messages.ts';

export const storedEventView = auditEventSchema.extend({
  cursor: z.number().int(),
  panelId: z.string(),
  receivedAt: z.number().int(),
});

export const eventsListReply = z.object({
  events: z.array(storedEventView),
  nextAfter: z.number().int().describe('the highest cursor so far: after=nextAfter lists only newer events'),
  nextBefore: z
    .number()
    .int()
    .nullable()
    .describe('the lowest cursor of this page: before=nextBefore lists older events (null: empty page)'),
});

export type StoredEventView = z.output<typeof storedEventView>;
export type EventsListReply = z.output<typeof eventsListReply>;
