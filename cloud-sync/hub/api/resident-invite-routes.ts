/**
 * Invites to the resident app: an administrator (of the resident's building) creates a one-time code;
 * the resident redeems it in the app with the password they choose, which logs them in. The redeem
 * route is under the resident prefix, so it needs no admin credential; the code is the credential.
 */

import { parseInput } from '../../../lib/http/parse-input.ts';
import type { Router } from '../../../lib/http/router.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import { inviteRedeemBody } from '../../protocol/resident-invite.ts';
import { ClientAddresses } from '../residents/client-address.ts';
import { ResidentInvites } from '../residents/invites.ts';
import { scopedEntities } from './admin-routes.ts';
import type { HubApiContext } from './context.ts';
import type { RequestAuth } from './request-auth.ts';
import { admitLoggedInDevice, RESIDENT_PREFIX } from './resident-routes.ts';

export const INVITE_REDEEM_PATH = `${RESIDENT_PREFIX}invite/redeem`;

export function addResidentInviteRoutes(
  router: Router,
  ctx: HubApiContext,
  auth: RequestAuth,
  logger: Logger,
): void {
  const invites = new ResidentInvites({
    store: ctx.store,
    clock: ctx.clock,
    residents: ctx.residents,
    logger,
  });
  const addresses = new ClientAddresses(ctx.trustedProxies);
  router
    .add('POST', '/api/v1/residents/{id}/invite', ({ req, params }) => {
      scopedEntities(ctx, auth, req).check('residents', params['id']!);
      return { status: 201, body: invites.invite(params['id']!) };
    })
    .add('POST', INVITE_REDEEM_PATH, async ({ req, body }) => {
      const reply = await invites.redeem(
        parseInput(inviteRedeemBody, body, 'invite'),
        addresses.of(req.socket.remoteAddress, req.headers['x-forwarded-for']),
      );
      await admitLoggedInDevice(ctx, reply);
      return { status: 201, body: reply };
    });
}
