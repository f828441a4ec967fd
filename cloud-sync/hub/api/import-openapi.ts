/** The import route's part of the hub admin API's OpenAPI document (openapi.ts). */
import { errorBody } from '../../../lib/http/error-body.ts';
import { json, pathId, queryParameters, schemaOf } from '../../../lib/http/openapi-parts.ts';
import { importReportView } from '../../protocol/admin-import.ts';
import { IMPORT_COLUMNS_HELP, MAX_IMPORT_BYTES } from '../import/csv-columns.ts';
import { waitQuery } from './config-wait.ts';
import { IMPORT_PATH, importJsonBody, importQuery } from './import-routes.ts';

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
