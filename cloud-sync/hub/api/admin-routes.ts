/** CRUD routes for every admin table, generated from entity-specs.ts. */

import type { Router } from '../../../lib/http/router.ts';
import { ENTITY_NAMES } from '../store/entity-specs.ts';
import type { HubApiContext } from './context.ts';

export function addAdminRoutes(router: Router, ctx: HubApiContext): void {
  const entities = ctx.store.entities;
  for (const name of ENTITY_NAMES) {
    const base = `/api/v1/${name}`;
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
