/**
 * The broker's HTTP auth backend for residents' app devices and paired panels, in the shape
 * mosquitto-go-auth's HTTP backend (JSON params, status or JSON response mode) and EMQX's HTTP
 * authentication/authorization use: 200 `{result:"allow", ok:true}` or 403 `{result:"deny", ok:false}`.
 * The hub stays in the broker's own password file, and so may panels provisioned with a kit; app devices
 * (random credentials created at each login) and panels paired at runtime (pairing/, the hub keeps their
 * password's hash) are asked here — a panel's answer says `kind: "panel"`, and its rights are its own
 * subtree's (broker-rights.ts). The broker authenticates itself with the broker secret from the hub's
 * config.
 *
 * A login whose client id is not its username is refused (one login could otherwise hold another's
 * session), and an app device writes calls only to the panels of its resident's buildings (plus those of
 * doors it has a rule for elsewhere: the panels that may call it, residents/doors.ts).
 */
import { z } from 'zod';
import { NotFoundError } from '../../../lib/errors.ts';
import { requireBearer } from '../../../lib/http/bearer.ts';
import { parseInput } from '../../../lib/http/parse-input.ts';
import type { Reply, Router } from '../../../lib/http/router.ts';
import { partyMayAccess } from '../../protocol/broker-rights.ts';
import type { BrokerAccess } from '../../protocol/call-acl.ts';
import { parseCallTopic } from '../../protocol/calls.ts';
import { residentPanels } from '../residents/doors.ts';
import { verifyPassword } from '../store/passwords.ts';
import type { HubApiContext } from './context.ts';

export const BROKER_PREFIX = '/api/v1/broker/';

const username = z.string().min(1).max(200);
export const brokerAuthBody = z
  .object({ username, password: z.string().max(500), clientid: z.string().max(200).optional() })
  .describe('extra fields a broker sends are ignored');

/** mosquitto-go-auth sends `acc` (1 read, 2 write, 4 subscribe); EMQX an action; both are accepted. */
export const brokerAclBody = z
  .object({
    username,
    topic: z.string().min(1).max(65_535),
    access: z.enum(['read', 'write', 'subscribe', 'publish']).optional(),
    acc: z.union([z.literal(1), z.literal(2), z.literal(4)]).optional(),
    clientid: z.string().max(200).optional(),
  })
  .refine((b) => b.access !== undefined || b.acc !== undefined, 'set access (or acc)');

export const brokerDecision = z.object({
  result: z.enum(['allow', 'deny']),
  ok: z.boolean(),
  /** On an allowed login: whose it is (the embedded broker gives a panel its subtree's rights). */
  kind: z.enum(['panel', 'app_device']).optional(),
});

const ACC: Record<number, BrokerAccess> = { 1: 'read', 2: 'write', 4: 'subscribe' };

export function addBrokerRoutes(router: Router, ctx: HubApiContext): void {
  const guard = (req: { headers: { authorization?: string | undefined } }): void => {
    const secret = ctx.brokerAuthSecret;
    if (!secret) throw new NotFoundError('broker authentication is not enabled on this hub');
    requireBearer(req, secret, 'broker secret', 'secret');
  };
  router
    .add('POST', `${BROKER_PREFIX}auth`, ({ req, body }) => {
      guard(req);
      const b = parseInput(brokerAuthBody, body, 'body');
      if (b.clientid !== undefined && b.clientid !== b.username) return decision(false);
      // A panel's id is never also an app device's: a login is the panel's when that panel exists.
      if (ctx.store.entities.find('panels', b.username)) {
        const hash = ctx.store.panels.passwordHash(b.username);
        return decision(hash !== undefined && verifyPassword(b.password, hash), 'panel');
      }
      return decision(ctx.residents.brokerLogin(b.username, b.password), 'app_device');
    })
    .add('POST', `${BROKER_PREFIX}acl`, ({ req, body }) => {
      guard(req);
      const b = parseInput(brokerAclBody, body, 'body');
      const access: BrokerAccess =
        b.access === 'publish' ? 'write' : (b.access ?? ACC[b.acc ?? 0] ?? 'write');
      if (b.clientid !== undefined && b.clientid !== b.username) return decision(false);
      if (ctx.store.entities.find('panels', b.username))
        return decision(partyMayAccess('panel', b.username, b.topic, access));
      const allowed = ctx.residents.brokerMayAccess(b.username, b.topic, access);
      return decision(allowed && (access !== 'write' || mayCallPanel(ctx, b.username, b.topic)));
    });
}

/** Whether the app device's resident may reach the panel the call topic names. */
function mayCallPanel(ctx: HubApiContext, appDeviceId: string, topic: string): boolean {
  const call = parseCallTopic(topic);
  if (!call) return false;
  const device = ctx.store.entities.find('appDevices', appDeviceId);
  const resident = device && ctx.store.entities.find('residents', device.residentId);
  if (!resident) return false;
  return residentPanels(ctx.store, resident, ctx.clock.now()).some((p) => p.id === call.deviceId);
}

function decision(allowed: boolean, kind?: 'panel' | 'app_device'): Reply {
  return allowed
    ? { status: 200, body: { result: 'allow', ok: true, ...(kind ? { kind } : {}) } }
    : { status: 403, body: { result: 'deny', ok: false } };
}
