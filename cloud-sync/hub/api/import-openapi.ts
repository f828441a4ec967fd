/** The import route's part of the hub admin API's OpenAPI document (openapi.ts). */
import { z } from 'zod';
import { errorBody } from '../../../lib/http/error-body.ts';
import { json, pathId, queryParameters, schemaOf } from '../../../lib/http/openapi-parts.ts';
import { configOutcomeView } from '../../protocol/admin-panels.ts';
import { IMPORT_COLUMNS_HELP, MAX_IMPORT_BYTES } from '../import/csv-columns.ts';
import { waitQuery } from './config-wait.ts';
import { IMPORT_PATH, importJsonBody, importQuery } from './import-routes.ts';

const counts = z.object({ created: z.number(), updated: z.number(), unchanged: z.number() });

export const importReportView = z.object({
  buildingId: z.string(),
  dryRun: z.boolean(),
  applied: z.boolean().describe('the writes were committed'),
  rows: z.number().describe('data rows read'),
  errors: z
    .array(
      z.object({
        line: z.number().describe('line of the file the row starts on (the header is line 1)'),
        column: z.string().nullable().describe('the column, or null when the whole row or file is meant'),
        code: z.string(),
        message: z.string(),
      }),
    )
    .describe('every bad row (up to 10,000); any error means nothing was changed'),
  errorsNotShown: z.number(),
  summary: z.object({ units: counts, residents: counts, cards: counts, accessRules: counts }),
  config: configOutcomeView.optional().describe('an apply: the config versions it produced'),
});

export function importApiPaths(): Record<string, unknown> {
  return {
    [IMPORT_PATH]: {
      post: {
        summary: "Import a building's units, residents and cards from CSV (dry run or apply)",
        description: `${IMPORT_COLUMNS_HELP}\nAt most ${MAX_IMPORT_BYTES} bytes.`,
        parameters: [pathId('id'), ...queryParameters(importQuery), ...queryParameters(waitQuery)],
        requestBody: {
          required: true,
          content: {
            'text/csv': { schema: { type: 'string' } },
            'application/json': { schema: schemaOf(importJsonBody, 'input') },
          },
        },
        responses: {
          200: { description: 'checked (dry run) or applied', ...json(importReportView) },
          422: { description: 'bad rows: nothing was changed', ...json(importReportView) },
          '4XX': { description: 'bad query, body, unknown building or missing token', ...json(errorBody) },
        },
      },
    },
  };
}
