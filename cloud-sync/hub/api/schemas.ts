/** Request and response shapes of the hub admin API beyond the entity rows (entity-specs.ts). */
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

export const openDoorReply = z.object({
  nonce: z.string(),
  panelId: z.string(),
  expiresAt: z.number().int(),
});

export const commandView = z.object({
  nonce: z.string(),
  panelId: z.string(),
  type: z.string(),
  body: z.record(z.string(), z.unknown()),
  issuedAt: z.number().int(),
  expiresAt: z.number().int(),
  status: z.enum(['sent', 'done', 'refused', 'failed', 'expired']),
  reason: z.string().nullable(),
  resultAt: z.number().int().nullable(),
});

export const eventView = z.object({
  cursor: z.number().int(),
  panelId: z.string(),
  id: z.string(),
  seq: z.number().int(),
  ts: z.number().int(),
  type: z.string(),
  doorId: z.string().nullable(),
  readerId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  receivedAt: z.number().int(),
});

export const panelStatusView = z.object({
  config: z.object({
    publishedVersion: z.number().int().nullable(),
    publishedAt: z.number().int().nullable(),
    reportedVersion: z.number().int().nullable(),
    reportedStatus: z.string().nullable(),
    rejectedVersion: z.number().int().nullable(),
    rejectReason: z.string().nullable(),
    reportedAt: z.number().int().nullable(),
  }),
  online: z.boolean(),
  state: z
    .object({
      status: z.string(),
      configVersion: z.number().int().nullable(),
      lastSeq: z.number().int().nullable(),
      software: z.string().nullable(),
      at: z.number().int(),
    })
    .nullable(),
  eventPosition: z.number().int(),
});
