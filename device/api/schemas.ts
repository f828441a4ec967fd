/**
 * Request and response shapes of the local API: validation and the OpenAPI document derive from these.
 * The replies the panel page reads too (health, directory, call state) are the protocol's
 * (cloud-sync/protocol/panel-api.ts): browser code may import only that folder.
 */
import { z } from 'zod';
import { CALL_ID_PATTERN } from '../../cloud-sync/protocol/calls.ts';
import { pulseMsSchema } from '../../cloud-sync/protocol/door-pulse.ts';
import { panelLanguageSchema } from '../../cloud-sync/protocol/panel-api.ts';
import { pageQueryFields } from '../../lib/http/paging.ts';
import { speechTextSchema } from '../speech/espeak.ts';

export const idParam = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be an id of a-z, 0-9, "_" or "-"');

export const eventsQuery = z
  .object({
    ...pageQueryFields('return events with seq > after'),
  })
  .strict();

export const unlockBody = z
  .object({
    pulseMs: pulseMsSchema.optional().describe('defaults to the door pulse length'),
    reason: z.string().max(200).optional(),
  })
  .strict();

export const speechQuery = z
  .object({
    lang: panelLanguageSchema.describe("the screen's language: the voice"),
    text: speechTextSchema.describe('what to say: 1–200 characters, one line'),
  })
  .strict();

export const tapBody = z.object({ uid: z.string().min(1).max(64).describe('card UID as hex') }).strict();

export const inputBody = z.object({ active: z.boolean() }).strict();

/** Bell ids come from the synced directory (hub entity ids), not the stricter device-id form. */
export const bellIdParam = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'must be a bell id of letters, digits, "_", ".", ":" or "-"');

export const callIdParam = z.string().regex(CALL_ID_PATTERN, 'must be a call id');

/** GET /api/v1/installer/logs: how many of the newest log lines. */
export const logsQuery = z
  .object({
    lines: z.coerce.number().int().min(1).max(2000).default(500).describe('the newest N lines (1-2000)'),
  })
  .strict();
