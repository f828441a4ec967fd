/**
 * Unit owners. An administrator of the building names (or clears) a unit's owner; the owner, logged in
 * to the resident app, sees and sets the unit's doorbell type per panel (residents/unit-doorbell.ts).
 * The resident routes act on the session's own unit only: a resident who owns no unit gets 403, a panel
 * outside the unit's building 404, and nothing changes.
 */
import { ForbiddenError, NotFoundError } from '../../../lib/errors.ts';
import { parseInput } from '../../../lib/http/parse-input.ts';
import type { Router } from '../../../lib/http/router.ts';
import { unitDoorbellBody, unitOwnerBody } from '../../protocol/unit-owner.ts';
import { RateLimit } from '../residents/rate-limit.ts';
import { residentActor } from '../residents/self-doorbell.ts';
import { setUnitDoorbell, unitDoorbells } from '../residents/unit-doorbell.ts';
import { scopedEntities } from './admin-routes.ts';
import { withConfigOutcome } from './config-wait.ts';
import type { HubApiContext } from './context.ts';
import type { RequestAuth } from './request-auth.ts';
import { RESIDENT_PREFIX } from './resident-routes.ts';

export const UNIT_OWNER_PATHS = {
  admin: '/api/v1/units/{id}/owner',
  unit: `${RESIDENT_PREFIX}unit`,
  doorbell: `${RESIDENT_PREFIX}unit/panels/{panelId}/doorbell`,
} as const;

/** Each switch rebuilds bells and recompiles a panel: a person does it a few times, not in a loop. */
const SWITCHES = { burst: 10, perMinute: 6 };

export function addUnitOwnerRoutes(router: Router, ctx: HubApiContext, auth: RequestAuth): void {
  const { store, residents, clock } = ctx;
  const switches = new RateLimit(clock, SWITCHES, "changes to your unit's doorbell");
  const ownerOf = (unitId: string) => ({ unitId, ownerResidentId: store.unitOwners.ownerOf(unitId) });
  /** The session's resident and the unit they own; 403 for a resident who owns none. */
  const owner = (req: { headers: { authorization?: string | undefined } }) => {
    const { residentId } = residents.authenticate(req.headers.authorization);
    const unitId = store.unitOwners.unitOf(residentId);
    if (unitId === undefined)
      throw new ForbiddenError(
        "only your unit's owner chooses its doorbell; ask your building's administrator",
      );
    return { residentId, unitId };
  };
  router
    .add('GET', UNIT_OWNER_PATHS.admin, ({ req, params }) => {
      scopedEntities(ctx, auth, req).check('units', params['id']!);
      return { status: 200, body: ownerOf(params['id']!) };
    })
    .add('PUT', UNIT_OWNER_PATHS.admin, ({ req, params, body }) => {
      const as = scopedEntities(ctx, auth, req);
      const unitId = params['id']!;
      as.check('units', unitId);
      const { residentId } = parseInput(unitOwnerBody, body, 'body');
      if (residentId !== null) {
        const r = store.entities.find('residents', residentId);
        if (r?.unitId !== unitId || r.status !== 'active')
          throw new NotFoundError(`no active resident "${residentId}" in unit "${unitId}"`);
      }
      store.transaction(() => {
        store.unitOwners.set(unitId, residentId);
        // Not an entity row, so recorded here: who made whom the owner, in the building's history.
        const { actor } = auth.principalOf(req);
        store.adminChanges.record({
          at: clock.now(),
          actor: actor.name,
          accountId: actor.accountId,
          action: 'update',
          entity: 'unitOwners',
          entityId: unitId,
          buildingId: store.entities.get('units', unitId).buildingId,
          detail: { ownerResidentId: residentId },
        });
      });
      return { status: 200, body: ownerOf(unitId) };
    })
    .add('GET', UNIT_OWNER_PATHS.unit, ({ req }) => {
      const { unitId } = owner(req);
      return { status: 200, body: unitDoorbells(store.entities, unitId) };
    })
    .add('PUT', UNIT_OWNER_PATHS.doorbell, async ({ req, params, body, query }) => {
      const { residentId, unitId } = owner(req);
      const input = parseInput(unitDoorbellBody, body, 'body');
      switches.take(residentId);
      const { result, config } = await withConfigOutcome(ctx, query, () =>
        store.entities.withActor(residentActor(residentId), () =>
          setUnitDoorbell(store.entities, unitId, params['panelId']!, input),
        ),
      );
      return { status: 200, body: { ...result, config } };
    });
}
