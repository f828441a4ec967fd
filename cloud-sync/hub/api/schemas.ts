/**
 * Request and response shapes of the hub admin API beyond what the store returns (entity rows, events,
 * commands and panel status have their schemas with the store classes that produce them).
 */
import { z } from 'zod';

export const eventsQuery = z
  .object({
    panel: z.string().min(1).max(63).optional().describe('only events of this panel'),
    after: z.coerce
      .number()
      .int('must be an integer')
      .min(0)
      .default(0)
      .describe('return events with cursor > after (the hub assigns cursors in arrival order)'),
    limit: z.coerce.number().int('must be an integer').min(1).max(1000).default(100),
  })
  .strict();

export const openDoorBody = z
  .object({
    onBehalfOf: z
      .object({ kind: z.enum(['resident', 'admin', 'installer']), id: z.string().min(1).max(128) })
      .strict(),
    reason: z.string().min(1).max(200),
    pulseMs: z.number().int().min(1000).max(30_000).optional(),
  })
  .strict();

export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), issues: z.array(z.string()).optional() }),
});

export const openDoorReply = z.object({
  nonce: z.string(),
  panelId: z.string(),
  expiresAt: z.number().int(),
});
