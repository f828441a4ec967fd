/**
 * `POST /api/v1/buildings/{id}/import?dryRun=true|false`: a building's units, residents and cards from a
 * CSV file (import/csv-columns.ts), sent as text/csv or as JSON `{ "csv": "…" }`. The route has its own
 * body bound (16 MiB; every other route keeps the server's 256 KiB). A dry run, and any file with a bad
 * row, change nothing and answer every bad row; an apply is one transaction and one config publish, and
 * answers the config versions it produced (with `?wait=MS`, once panels have applied them).
 */
import { z } from 'zod';
import { ValidationError } from '../../../lib/errors.ts';
import { parseInput } from '../../../lib/http/parse-input.ts';
import type { Router } from '../../../lib/http/router.ts';
import { MAX_IMPORT_BYTES } from '../import/csv-columns.ts';
import { importBuilding } from '../import/import-building.ts';
import { scopedEntities } from './admin-routes.ts';
import { withConfigOutcome } from './config-wait.ts';
import type { HubApiContext } from './context.ts';
import type { RequestAuth } from './request-auth.ts';

export const IMPORT_PATH = '/api/v1/buildings/{id}/import';

export const importQuery = z.object({
  dryRun: z
    .enum(['true', 'false'], 'must be "true" (check only) or "false" (apply)')
    .describe('true: check and report, change nothing; false: apply when no row is bad'),
});

export const importJsonBody = z.object({ csv: z.string().describe('the CSV file as text') }).strict();

export function addImportRoutes(router: Router, ctx: HubApiContext, auth: RequestAuth): void {
  router.add(
    'POST',
    IMPORT_PATH,
    async ({ req, params, query, body }) => {
      // Both parsed first: a bad query or body changes nothing.
      const dryRun =
        parseInput(importQuery, { dryRun: query.get('dryRun') ?? undefined }, 'query').dryRun === 'true';
      const bytes = csvBytes(body);
      const buildingId = params['id']!;
      // An administrator imports into their own buildings; the rows are theirs in the change log.
      const scoped = scopedEntities(ctx, auth, req);
      scoped.check('buildings', buildingId);
      const { result, config } = await withConfigOutcome(ctx, query, () =>
        scoped.asActor(() => importBuilding(ctx.store.entities, buildingId, bytes, { dryRun })),
      );
      if (result.errors.length > 0) return { status: 422, body: result };
      return { status: 200, body: dryRun ? result : { ...result, config } };
    },
    { maxBodyBytes: MAX_IMPORT_BYTES, rawBodyTypes: ['text/csv'] },
  );
}

function csvBytes(body: unknown): Uint8Array {
  if (Buffer.isBuffer(body)) return body;
  if (body === undefined)
    throw new ValidationError('send the CSV file as the body (text/csv or JSON {"csv": …})');
  return Buffer.from(parseInput(importJsonBody, body, 'import body').csv, 'utf8');
}
