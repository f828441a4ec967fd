/**
 * Request and response shapes of the hub admin API beyond what the store returns (entity rows, events,
 * commands and panel status have their schemas with the store classes that produce them).
 */
import { z } from 'zod';
import { pageQueryFields } from '../../../lib/http/paging.ts';
import { pulseMsSchema } from '../../protocol/door-pulse.ts';

export const eventsQuery = z
  .object({
    panel: z.string().min(1).max(63).optional().describe('only events of this panel'),
    ...pageQueryFields('return events with cursor > after (the hub assigns cursors in arrival order)'),
  })
  .strict();

export const openDoorBody = z
  .object({
    onBehalfOf: z
      .object({ kind: z.enum(['resident', 'admin', 'installer']), id: z.string().min(1).max(128) })
      .strict(),
    reason: z.string().min(1).max(200),
    pulseMs: pulseMsSchema.optional(),
  })
  .strict();

export const enrolCardBody = z
  .object({
    durationS: z
      .number()
      .int()
      .min(5)
      .max(55)
      .default(45)
      .describe('how long the door waits for the card to enrol'),
  })
  .strict();

export const openDoorReply = z.object({
  nonce: z.string(),
  panelId: z.string(),
  expiresAt: z.number().int(),
});

export const rotationBody = z
  .object({
    step: z.enum(['begin', 'finish']).describe('begin: panels learn the next key; finish: sign with it only'),
    force: z.boolean().default(false).describe('finish although some panels have not applied the begin step'),
  })
  .strict();
