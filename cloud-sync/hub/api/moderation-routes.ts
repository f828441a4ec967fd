/**
 * Moderation by an administrator of the resident's building (residents/moderation.ts): reset a
 * resident's display text, remove their picture, take them off one panel's directory. Each is one
 * change attributed to the administrator, published at once; `?wait=MS` waits for the panels to apply
 * it (config-wait.ts), like card and resident changes.
 */
import { parseInput } from '../../../lib/http/parse-input.ts';
import type { Router } from '../../../lib/http/router.ts';
import { resetTextBody } from '../../protocol/admin-moderation.ts';
import { removeFromPanel, removePicture, resetDisplayText } from '../residents/moderation.ts';
import { scopedEntities } from './admin-routes.ts';
import { withConfigOutcome } from './config-wait.ts';
import type { HubApiContext } from './context.ts';
import type { RequestAuth } from './request-auth.ts';

export const MODERATION_PATHS = {
  resetText: '/api/v1/residents/{id}/display-text/reset',
  picture: '/api/v1/residents/{id}/picture',
  directory: '/api/v1/panels/{panelId}/directory/{residentId}',
} as const;

export function addModerationRoutes(router: Router, ctx: HubApiContext, auth: RequestAuth): void {
  const entities = ctx.store.entities;
  router
    .add('POST', MODERATION_PATHS.resetText, async ({ req, params, body, query }) => {
      const as = scopedEntities(ctx, auth, req);
      const residentId = params['id']!;
      as.check('residents', residentId);
      const input = parseInput(resetTextBody, body ?? {}, 'body');
      if (input.panelId !== undefined) as.check('panels', input.panelId);
      const { result, config } = await withConfigOutcome(ctx, query, () =>
        as.asActor(() => resetDisplayText(entities, residentId, input.panelId)),
      );
      return { status: 200, body: { ...result, config } };
    })
    .add('DELETE', MODERATION_PATHS.picture, async ({ req, params, query }) => {
      const as = scopedEntities(ctx, auth, req);
      const residentId = params['id']!;
      as.check('residents', residentId);
      const { result, config } = await withConfigOutcome(ctx, query, () =>
        as.asActor(() => removePicture(entities, residentId)),
      );
      return { status: 200, body: { ...result, config } };
    })
    .add('DELETE', MODERATION_PATHS.directory, async ({ req, params, query }) => {
      const as = scopedEntities(ctx, auth, req);
      const { panelId, residentId } = params as { panelId: string; residentId: string };
      as.check('panels', panelId);
      as.check('residents', residentId);
      const { result, config } = await withConfigOutcome(ctx, query, () =>
        as.asActor(() => removeFromPanel(entities, residentId, panelId)),
      );
      return { status: 200, body: { ...result, config } };
    });
}
