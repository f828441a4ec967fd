/**
 * Pairing's routes (pairing/pairing.ts). The panel's two need no admin credential — the panel has none
 * yet: asking for a code is rate-limited per client address, and polling needs the request's poll token.
 * The claim is an admin route, for the operator or a building administrator for their own buildings.
 */
import { NotFoundError } from '../../../lib/errors.ts';
import type { Router } from '../../../lib/http/router.ts';
import { PAIRING_CLAIM_PATH, PAIRING_REQUESTS_PATH } from '../../protocol/pairing.ts';
import { type Pairing, pollTokenOf } from '../pairing/pairing.ts';
import { ClientAddresses } from '../residents/client-address.ts';
import type { HubApiContext } from './context.ts';
import type { RequestAuth } from './request-auth.ts';

/** The panel's side (no admin credential; the handlers check their own). */
export const isPanelPairingPath = (pathname: string): boolean =>
  pathname === PAIRING_REQUESTS_PATH || pathname.startsWith(`${PAIRING_REQUESTS_PATH}/`);

export function addPairingRoutes(router: Router, ctx: HubApiContext, auth: RequestAuth): void {
  const addresses = new ClientAddresses(ctx.trustedProxies);
  const pairing = (): Pairing => {
    if (!ctx.pairing)
      throw new NotFoundError(
        'pairing is not enabled on this hub (settings pairing, serve --pairing-broker-url)',
      );
    return ctx.pairing;
  };
  router
    .add('POST', PAIRING_REQUESTS_PATH, ({ req, body }) => ({
      status: 201,
      body: pairing().request(addresses.of(req.socket.remoteAddress, req.headers['x-forwarded-for']), body),
    }))
    .add('GET', `${PAIRING_REQUESTS_PATH}/{id}`, ({ req, params }) => ({
      status: 200,
      body: pairing().poll(
        addresses.of(req.socket.remoteAddress, req.headers['x-forwarded-for']),
        params['id']!,
        pollTokenOf(req.headers.authorization),
      ),
    }))
    .add('POST', PAIRING_CLAIM_PATH, async ({ req, body }) => ({
      status: 201,
      body: await pairing().claim(auth.principalOf(req), body),
    }));
}
