/**
 * CRUD routes for every admin table, generated from entity-specs.ts. Changes to cards and residents (what
 * revocation is made of) also answer the config versions they produced and can wait for panels to apply
 * them (config-wait.ts).
 */

import type { Router } from '../../../lib/http/router.ts';
import { ENTITY_NAMES, type EntityName } from '../store/entity-specs.ts';
import { withConfigOutcome } from './config-wait.ts';
import type { HubApiContext } from './context.ts';

/** The tables whose changes answer with their config outcome. */
export const CONFIRMABLE: readonly EntityName[] = ['cards', 'residents'];

export function addAdminRoutes(router: Router, ctx: HubApiContext): void {
  const entities = ctx.store.entities;
  for (const name of ENTITY_NAMES) {
    const base = `/api/v1/${name}`;
    if (CONFIRMABLE.includes(name)) {
      router
        .add('POST', base, async ({ body, query }) => {
          const { result, config } = await withConfigOutcome(ctx, query, () => entities.create(name, body));
          return { status: 201, body: { ...result, config } };
        })
        .add('PATCH', `${base}/{id}`, async ({ params, body, query }) => {
          const { result, config } = await withConfigOutcome(ctx, query, () =>
            entities.update(name, params['id']!, body ?? {}),
          );
          return { status: 200, body: { ...result, config } };
        })
        .add('DELETE', `${base}/{id}`, async ({ params, query }) => {
          const { config, waited } = await withConfigOutcome(ctx, query, () =>
            entities.remove(name, params['id']!),
          );
          // Unchanged without wait (204); with it, the answer is what the caller waited for.
          return waited ? { status: 200, body: { config } } : { status: 204, body: undefined };
        });
    }
    router
      .add('GET', base, ({ query }) => ({
        status: 200,
        body: { [name]: entities.list(name, Object.fromEntries(query)) },
      }))
      .add('POST', base, ({ body }) => ({ status: 201, body: entities.create(name, body) }))
      .add('GET', `${base}/{id}`, ({ params }) => ({ status: 200, body: entities.get(name, params['id']!) }))
      .add('PATCH', `${base}/{id}`, ({ params, body }) => ({
        status: 200,
        body: entities.update(name, params['id']!, body ?? {}),
      }))
      .add('DELETE', `${base}/{id}`, ({ params }) => {
        entities.remove(name, params['id']!);
        return { status: 204, body: undefined };
      });
  }
}
