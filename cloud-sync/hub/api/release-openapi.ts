/** OpenAPI of software updates: the release catalogue and starting an update on a panel. */
import { z } from 'zod';
import { json, jsonIn, pathId } from '../../../lib/http/openapi-parts.ts';
import { releaseViewSchema, startUpdateBody } from '../../protocol/admin-releases.ts';

export function releaseApiPaths(errors: Record<string, unknown>): Record<string, unknown> {
  return {
    '/api/v1/panels/{id}/update': {
      post: {
        summary:
          "Start a software update on the panel (operator): a signed update.install naming the release's bundle, SHA-256 and size; progress and outcome appear as `update` on GET /api/v1/panels/{id}",
        parameters: [pathId('id')],
        requestBody: jsonIn(startUpdateBody),
        responses: {
          202: {
            description: 'the command sent',
            ...json(z.object({ nonce: z.string(), panelId: z.string(), expiresAt: z.number().int() })),
          },
          ...errors,
        },
      },
    },
    '/api/v1/releases': {
      get: {
        summary: 'The release catalogue (operator): bundles added with `portvakt-hub release add`',
        responses: {
          200: { description: 'releases', ...json(z.object({ items: z.array(releaseViewSchema) })) },
          ...errors,
        },
      },
    },
  };
}
