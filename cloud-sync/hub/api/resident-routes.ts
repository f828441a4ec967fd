/**
 * The resident web app's API. `POST /api/v1/residents/{id}/login` is an admin route (admin token, like
 * every /api/v1 path); everything under `/api/v1/resident/` authenticates with the resident's session
 * token instead (login itself with the password), which http-server.ts leaves to these handlers.
 */
import { ForbiddenError, NotFoundError } from '../../../lib/errors.ts';
import { parseInput } from '../../../lib/http/parse-input.ts';
import type { Router } from '../../../lib/http/router.ts';
import {
  callLogQuery,
  type ResidentCommandReply,
  type ResidentLoginReply,
  type ResidentOpenReply,
  residentLoginBody,
} from '../../protocol/resident-api.ts';
import { residentCallLog } from '../residents/call-log.ts';
import { ClientAddresses } from '../residents/client-address.ts';
import { residentDoors, ruledDoorIds } from '../residents/doors.ts';
import { iceServersFor } from '../residents/turn-credentials.ts';
import { scopedEntities } from './admin-routes.ts';
import type { HubApiContext } from './context.ts';
import type { RequestAuth } from './request-auth.ts';
import { addResidentPanelPinRoutes } from './resident-panel-pin-routes.ts';
import { addResidentSelfRoutes } from './resident-self-routes.ts';

export const RESIDENT_PREFIX = '/api/v1/resident/';

/**
 * On Mosquitto the hub creates a newly logged-in app device's broker login itself (after a login or a
 * redeemed invite): its password, its client id and calls to the panels of its resident's buildings only
 * (the panels the reply lists).
 */
export async function admitLoggedInDevice(ctx: HubApiContext, reply: ResidentLoginReply): Promise<void> {
  if (reply.mqtt && ctx.appDeviceAdmission)
    await ctx.appDeviceAdmission.admit(
      reply.appDeviceId,
      reply.mqtt.password,
      reply.panels.map((p) => p.id),
    );
}

export function addResidentRoutes(router: Router, ctx: HubApiContext, auth: RequestAuth): void {
  const { residents, store, clock } = ctx;
  const addresses = new ClientAddresses(ctx.trustedProxies);
  const session = (req: { headers: { authorization?: string | undefined } }) =>
    residents.authenticate(req.headers.authorization);
  router
    .add('POST', '/api/v1/residents/{id}/login', async ({ req, params }) => {
      // An administrator sets logins for the residents of their own buildings only.
      scopedEntities(ctx, auth, req).check('residents', params['id']!);
      return { status: 201, body: await residents.setLogin(params['id']!) };
    })
    .add('POST', `${RESIDENT_PREFIX}login`, async ({ req, body }) => {
      const reply = await residents.login(
        parseInput(residentLoginBody, body, 'login'),
        addresses.of(req.socket.remoteAddress, req.headers['x-forwarded-for']),
      );
      await admitLoggedInDevice(ctx, reply);
      return { status: 201, body: reply };
    })
    .add('POST', `${RESIDENT_PREFIX}logout`, async ({ req }) => {
      await residents.logout(session(req));
      return { status: 204, body: undefined };
    })
    .add('GET', `${RESIDENT_PREFIX}me`, ({ req }) => ({ status: 200, body: residents.profile(session(req)) }))
    .add('GET', `${RESIDENT_PREFIX}doors`, ({ req }) => ({
      status: 200,
      body: { doors: residentDoors(store, session(req).residentId, clock.now()) },
    }))
    .add('POST', `${RESIDENT_PREFIX}doors/{doorId}/open`, async ({ req, params }) => {
      const s = session(req);
      const doorId = params['doorId']!;
      // Unknown doors and doors without a rule look alike: a resident learns nothing about other doors.
      if (!ruledDoorIds(store, s.residentId, clock.now()).includes(doorId))
        throw new ForbiddenError(`you have no access to door "${doorId}"`);
      residents.takeOpen(s);
      const sent = await ctx.opener.open({
        doorId,
        onBehalfOf: { kind: 'resident', id: s.residentId },
        reason: `resident app (${s.appDeviceId})`,
      });
      return { status: 202, body: sent satisfies ResidentOpenReply };
    })
    .add('GET', `${RESIDENT_PREFIX}commands/{nonce}`, ({ req, params }) => {
      const s = session(req);
      const command = store.commands.get(params['nonce']!, clock.now());
      const cmd = command?.body.command;
      const yours =
        cmd?.type === 'door.open' && cmd.onBehalfOf.kind === 'resident' && cmd.onBehalfOf.id === s.residentId;
      if (!command || cmd?.type !== 'door.open' || !yours)
        throw new NotFoundError(`no command "${params['nonce']}" of yours`);
      const reply: ResidentCommandReply = {
        nonce: command.nonce,
        doorId: cmd.doorId,
        status: command.status,
        reason: command.reason,
      };
      return { status: 200, body: reply };
    })
    // Fresh TURN credentials for this app device (the app fetches them ahead of calls and again before
    // they expire): a session token is needed, so the relay serves logged-in devices only.
    .add('GET', `${RESIDENT_PREFIX}ice-servers`, ({ req }) => ({
      status: 200,
      body: iceServersFor(ctx.turn, session(req).appDeviceId, clock.now()),
    }))
    .add('GET', `${RESIDENT_PREFIX}calls`, ({ req, query }) => {
      const s = session(req);
      const q = parseInput(callLogQuery, Object.fromEntries(query), 'query');
      return { status: 200, body: { calls: residentCallLog(store, s.residentId, q.limit) } };
    });
  // Profile, doorbell, picture, own cards and app devices.
  addResidentSelfRoutes(router, ctx, RESIDENT_PREFIX);
  addResidentPanelPinRoutes(router, ctx, RESIDENT_PREFIX);
}
