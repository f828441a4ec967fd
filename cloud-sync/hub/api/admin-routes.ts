/**
 * CRUD routes for every admin table, generated from entity-specs.ts, each through the repository as the
 * request's principal may use it (scoped-entities.ts: a building administrator's buildings only).
 * Changes to cards and residents (what revocation is made of) also answer the config versions they
 * produced and can wait for panels to apply them (config-wait.ts).
 */

import type { IncomingMessage } from 'node:http';
import type { Router } from '../../../lib/http/router.ts';
import { ScopedEntities } from '../accounts/scoped-entities.ts';
import { ENTITY_NAMES, type EntityName } from '../store/entity-specs.ts';
import { withConfigOutcome } from './config-wait.ts';
import type { HubApiContext } from './context.ts';
import type { RequestAuth } from './request-auth.ts';

/** The tables whose changes answer with their config outcome. */
export const CONFIRMABLE: readonly EntityName[] = ['cards', 'residents'];

/** The admin repository as this request's principal may use it. */
export function scopedEntities(ctx: HubApiContext, auth: RequestAuth, req: IncomingMessage): ScopedEntities {
  return new ScopedEntities(ctx.store.entities, ctx.store.scope, auth.principalOf(req));
}

export function addAdminRoutes(router: Router, ctx: HubApiContext, auth: RequestAuth): void {
  const as = (req: IncomingMessage) => scopedEntities(ctx, auth, req);
  for (const name of ENTITY_NAMES) {
    const base = `/api/v1/${name}`;
    if (CONFIRMABLE.includes(name)) {
      router
        .add('POST', base, async ({ req, body, query }) => {
          const entities = as(req);
          const { result, config } = await withConfigOutcome(ctx, query, () => entities.create(name, body));
          return { status: 201, body: { ...result, config } };
        })
        .add('PATCH', `${base}/{id}`, async ({ req, params, body, query }) => {
          const entities = as(req);
          const { result, config } = await withConfigOutcome(ctx, query, () =>
            entities.update(name, params['id']!, body ?? {}),
          );
          return { status: 200, body: { ...result, config } };
        })
        .add('DELETE', `${base}/{id}`, async ({ req, params, query }) => {
          const entities = as(req);
          const { config, waited } = await withConfigOutcome(ctx, query, () =>
            entities.remove(name, params['id']!),
          );
          // Unchanged without wait (204); with it, the answer is what the caller waited for.
          return waited ? { status: 200, body: { config } } : { status: 204, body: undefined };
        });
    }
    router
      .add('GET', base, ({ req, query }) => ({
        status: 200,
        body: { [name]: as(req).list(name, Object.fromEntries(query)) },
      }))
      .add('POST', base, ({ req, body }) => ({ status: 201, body: as(req).create(name, body) }))
      .add('GET', `${base}/{id}`, ({ req, params }) => ({
        status: 200,
        body: as(req).get(name, params['id']!),
      }))
      .add('PATCH', `${base}/{id}`, ({ req, params, body }) => ({
        status: 200,
        body: as(req).update(name, params['id']!, body ?? {}),
      }))
      .add('DELETE', `${base}/{id}`, ({ req, params }) => {
        as(req).remove(name, params['id']!);
        return { status: 204, body: undefined };
      });
  }
}
