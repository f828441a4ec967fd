/**
 * Administrator accounts over the API: the two-step login (public: it is how a session starts), logout,
 * who am I, the accounts themselves (the operator's), and the change log (each administrator sees their
 * buildings' history).
 */
import { randomUUID } from 'node:crypto';
import { ForbiddenError } from '../../../lib/errors.ts';
import { bearerToken } from '../../../lib/http/bearer.ts';
import { parseInput } from '../../../lib/http/parse-input.ts';
import type { Router } from '../../../lib/http/router.ts';
import {
  type AdminMe,
  accountPatchBody,
  adminLoginBody,
  changesQuery,
  newAccountBody,
  secondFactorBody,
} from '../../protocol/admin-api.ts';
import type { Principal } from '../accounts/principal.ts';
import { ClientAddresses } from '../residents/client-address.ts';
import { hashPassword } from '../store/passwords.ts';
import type { HubApiContext } from './context.ts';
import type { RequestAuth } from './request-auth.ts';

export const ADMIN_LOGIN_PATHS: ReadonlySet<string> = new Set([
  '/api/v1/admin/login',
  '/api/v1/admin/login/second-factor',
]);

function operatorOnly(principal: Principal): void {
  if (principal.kind !== 'operator') throw new ForbiddenError('only the hub operator manages accounts');
}

export function addAdminAccountRoutes(router: Router, ctx: HubApiContext, auth: RequestAuth): void {
  const { store, logins, clock } = ctx;
  const addresses = new ClientAddresses(ctx.trustedProxies);
  const addressOf = (req: Parameters<typeof bearerToken>[0] & { socket: { remoteAddress?: string } }) =>
    addresses.of(req.socket.remoteAddress, req.headers['x-forwarded-for']);
  router
    .add('POST', '/api/v1/admin/login', ({ req, body }) => {
      const input = parseInput(adminLoginBody, body, 'login');
      const step = logins.password(input.username, input.password, addressOf(req));
      const { token, ...rest } = step;
      return { status: 200, body: { loginToken: token, ...rest } };
    })
    .add('POST', '/api/v1/admin/login/second-factor', ({ req, body }) => {
      const input = parseInput(secondFactorBody, body, 'second factor');
      const { token, ...rest } = logins.secondFactor(input.loginToken, input.code, addressOf(req));
      return { status: 200, body: { sessionToken: token, ...rest } };
    })
    .add('POST', '/api/v1/admin/logout', ({ req }) => {
      logins.logout(bearerToken(req));
      return { status: 204, body: undefined };
    })
    .add('GET', '/api/v1/admin/me', ({ req }) => {
      const p = auth.principalOf(req);
      const me: AdminMe = {
        actor: p.actor.name,
        accountId: p.actor.accountId,
        role: p.kind,
        buildingIds: p.kind === 'operator' ? null : [...p.buildingIds],
      };
      return { status: 200, body: me };
    })
    .add('GET', '/api/v1/admin/accounts', ({ req }) => {
      operatorOnly(auth.principalOf(req));
      return { status: 200, body: { accounts: store.adminAccounts.list() } };
    })
    .add('POST', '/api/v1/admin/accounts', ({ req, body }) => {
      operatorOnly(auth.principalOf(req));
      const input = parseInput(newAccountBody, body, 'account');
      const account = store.adminAccounts.create({
        id: randomUUID(),
        username: input.username,
        displayName: input.displayName,
        role: input.role,
        passwordHash: hashPassword(input.password),
        buildingIds: input.buildingIds,
        createdAt: clock.now(),
      });
      return { status: 201, body: account };
    })
    .add('PATCH', '/api/v1/admin/accounts/{id}', ({ req, params, body }) => {
      operatorOnly(auth.principalOf(req));
      const { password, ...input } = parseInput(accountPatchBody, body ?? {}, 'account');
      const account = store.adminAccounts.update(params['id']!, {
        ...input,
        ...(password !== undefined ? { passwordHash: hashPassword(password) } : {}),
      });
      return { status: 200, body: account };
    })
    .add('DELETE', '/api/v1/admin/accounts/{id}', ({ req, params }) => {
      operatorOnly(auth.principalOf(req));
      store.adminAccounts.remove(params['id']!);
      return { status: 204, body: undefined };
    })
    .add('POST', '/api/v1/admin/accounts/{id}/reset-second-factor', ({ req, params }) => {
      operatorOnly(auth.principalOf(req));
      store.adminAccounts.resetTotp(params['id']!);
      return { status: 200, body: store.adminAccounts.view(params['id']!) };
    })
    .add('GET', '/api/v1/admin/changes', ({ req, query }) => {
      const p = auth.principalOf(req);
      const q = parseInput(changesQuery, Object.fromEntries(query), 'query');
      const mine = p.kind === 'operator' ? undefined : [...p.buildingIds];
      const buildingIds = q.building ? [q.building].filter((b) => !mine || mine.includes(b)) : mine;
      const changes = store.adminChanges.list({ beforeSeq: q.before, limit: q.limit, buildingIds });
      return { status: 200, body: { changes, nextBefore: changes.at(-1)?.seq ?? null } };
    });
}
