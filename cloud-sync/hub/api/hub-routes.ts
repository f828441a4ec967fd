/**
 * Routes beyond plain CRUD: panels with their sync status and a one-time broker password, card status
 * actions, remote door opening, command status, health (events: event-routes.ts). Registered before the CRUD
 * routes, so they take precedence where paths overlap (POST/GET panels).
 */
import type { IncomingMessage } from 'node:http';
import { hashPin, randomPin } from '../../../lib/crypto/pin-hash.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../../lib/errors.ts';
import { parseInput } from '../../../lib/http/parse-input.ts';
import type { Router } from '../../../lib/http/router.ts';
import { enrolCardBody, openDoorBody } from '../../protocol/admin-panels.ts';
import { startUpdateBody } from '../../protocol/admin-releases.ts';
import { type CardAction, changeCardStatus } from '../store/card-status.ts';
import { hashPassword, randomPassword } from '../store/passwords.ts';
import { scopedEntities } from './admin-routes.ts';
import { withConfigOutcome } from './config-wait.ts';
import type { HubApiContext } from './context.ts';
import type { RequestAuth } from './request-auth.ts';
import { rotationBody } from './schemas.ts';

export function addHubRoutes(router: Router, ctx: HubApiContext, auth: RequestAuth): void {
  const { store } = ctx;
  const as = (req: IncomingMessage) => scopedEntities(ctx, auth, req);
  const operatorOnly = (req: IncomingMessage, what: string) => {
    if (auth.principalOf(req).kind !== 'operator')
      throw new ForbiddenError(`only the hub operator may ${what}`);
  };
  router
    .add('GET', '/healthz', () => ({
      status: 200,
      body: {
        status: ctx.mqttConnected() ? 'ok' : 'degraded',
        mqttConnected: ctx.mqttConnected(),
        inbox: ctx.inboxStats(),
      },
    }))
    .add('POST', '/api/v1/panels', async ({ req, body }) => {
      const panel = as(req).create('panels', body);
      // Shown once: the hub keeps only the scrypt hash; the broker needs its own hash of it.
      const brokerPassword = randomPassword();
      store.panels.setPasswordHash(panel.id, hashPassword(brokerPassword));
      return {
        status: 201,
        body: { ...panel, brokerPassword, installerToken: randomPassword(), ...(await installerPin()) },
      };
    })
    // Re-issue (lost kit, leaked password): the old broker password stops working once the broker's
    // passwd line is replaced; the hub keeps no installer token, so a new one is only a suggestion to set.
    .add('POST', '/api/v1/panels/{id}/credentials', async ({ req, params }) => {
      operatorOnly(req, 're-issue panel credentials');
      const panel = store.entities.get('panels', params['id']!);
      const brokerPassword = randomPassword();
      store.panels.setPasswordHash(panel.id, hashPassword(brokerPassword));
      return {
        status: 200,
        body: {
          panelId: panel.id,
          brokerPassword,
          installerToken: randomPassword(),
          ...(await installerPin()),
          redo: [
            `broker: mosquitto_passwd -b /etc/mosquitto/portvakt/passwd ${panel.id} '<brokerPassword>', then reload Mosquitto`,
            'panel: set sync.password (and api.installerToken, api.installerPinHash) in panel.yaml, then restart the panel',
          ],
        },
      };
    })
    .add('GET', '/api/v1/panels/{id}', ({ req, params }) => {
      const panel = as(req).get('panels', params['id']!);
      const update = store.releases.panelUpdate(params['id']!);
      return { status: 200, body: { ...panel, ...store.panels.view(params['id']!), update } };
    })
    // A signed update.install to the panel; its update.* events then move `update` on GET …/panels/{id}.
    .add('POST', '/api/v1/panels/{id}/update', async ({ req, params, body }) => {
      operatorOnly(req, 'start software updates');
      const input = parseInput(startUpdateBody, body, 'body');
      if (!ctx.updates)
        throw new ValidationError('updates are off: the hub settings have no releases section');
      const sent = await ctx.updates.start(params['id']!, input.releaseId, input.allowDowngrade);
      return { status: 202, body: sent };
    })
    .add('GET', '/api/v1/releases', ({ req }) => {
      operatorOnly(req, 'list releases');
      return { status: 200, body: { items: store.releases.list() } };
    });
  for (const action of ['block', 'unblock', 'revoke'] as const satisfies CardAction[]) {
    router.add('POST', `/api/v1/cards/{id}/${action}`, async ({ req, params, query }) => {
      const entities = as(req);
      entities.check('cards', params['id']!);
      const { result, config } = await withConfigOutcome(ctx, query, () =>
        entities.asActor(() => changeCardStatus(store.entities, params['id']!, action)),
      );
      return { status: 200, body: { ...result, config } };
    });
  }
  router
    // Recovery: the panel's next snapshot replaces its config whatever version it holds.
    .add('POST', '/api/v1/panels/{id}/config-epoch', ({ req, params }) => {
      as(req).check('panels', params['id']!);
      return { status: 200, body: ctx.publisher.bumpEpoch(params['id']!) };
    })
    .add('GET', '/api/v1/signing-keys', ({ req }) => {
      operatorOnly(req, 'see the signing keys');
      return { status: 200, body: ctx.rotation.status() };
    })
    .add('POST', '/api/v1/signing-keys/rotation', async ({ req, body }) => {
      operatorOnly(req, 'rotate the signing key');
      const input = parseInput(rotationBody, body ?? {}, 'body');
      const status =
        input.step === 'begin'
          ? await ctx.rotation.begin()
          : await ctx.rotation.finish({ force: input.force });
      return { status: 200, body: status };
    });
  router
    .add('POST', '/api/v1/doors/{doorId}/open', async ({ req, params, body }) => {
      as(req).check('doors', params['doorId']!);
      const input = parseInput(openDoorBody, body, 'body');
      const sent = await ctx.opener.open({ doorId: params['doorId']!, ...input });
      return { status: 202, body: sent };
    })
    // The next card at the door opens nothing; its UID is the command's result (cardUid).
    .add('POST', '/api/v1/doors/{doorId}/enrol', async ({ req, params, body }) => {
      as(req).check('doors', params['doorId']!);
      const input = parseInput(enrolCardBody, body ?? {}, 'body');
      const sent = await ctx.opener.enrolCard(params['doorId']!, input.durationS);
      return { status: 202, body: sent };
    })
    .add('GET', '/api/v1/commands/{nonce}', ({ req, params }) => {
      const command = store.commands.get(params['nonce']!, ctx.clock.now());
      if (!command) throw new NotFoundError(`no command "${params['nonce']}"`);
      as(req).check('panels', command.panelId);
      return { status: 200, body: command };
    });
}

/**
 * A new installer PIN to hand to the installer (shown once, the hub keeps nothing of it) and the hash
 * that goes into the panel's panel.yaml (`api.installerPinHash`).
 */
async function installerPin(): Promise<{ installerPin: string; installerPinHash: string }> {
  const pin = randomPin();
  return { installerPin: pin, installerPinHash: await hashPin(pin) };
}
