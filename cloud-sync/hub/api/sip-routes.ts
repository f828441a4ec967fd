/**
 * A panel's SIP account for the phone fallback, for the operator: `POST /api/v1/panels/{id}/sip-account`
 * gives the panel a new random SIP password and answers its `intercom.phone` section once (the hub keeps
 * only the digest); `DELETE` ends the account. The edge database follows once the change has committed
 * (sip/edge-sync.ts). Without a SIP edge in the hub's settings there is no phone fallback to provision.
 */
import type { IncomingMessage } from 'node:http';
import { ForbiddenError, NotFoundError, PortvaktError } from '../../../lib/errors.ts';
import type { Router } from '../../../lib/http/router.ts';
import type { PanelSipAccountReply } from '../../protocol/admin-panels.ts';
import { issuePanelSipAccount } from '../sip/panel-account.ts';
import type { ChangeActor } from '../store/entities.ts';
import type { HubApiContext, SipAccountsPort } from './context.ts';
import type { RequestAuth } from './request-auth.ts';

export function addSipRoutes(router: Router, ctx: HubApiContext, auth: RequestAuth): void {
  const { store } = ctx;
  const operatorOnly = (req: IncomingMessage) => {
    const principal = auth.principalOf(req);
    if (principal.kind !== 'operator')
      throw new ForbiddenError("only the hub operator may change a panel's SIP account");
    return principal.actor;
  };
  /** In the change's transaction, like every admin change: who, and what (never the password). */
  const record = (actor: ChangeActor, action: string, panelId: string, buildingId: string) =>
    store.adminChanges.record({
      at: ctx.clock.now(),
      actor: actor.name,
      accountId: actor.accountId,
      action,
      entity: 'panelSipAccounts',
      entityId: panelId,
      buildingId,
      detail: {},
    });
  const edge = (): SipAccountsPort => {
    if (!ctx.sip)
      throw new PortvaktError(
        'conflict',
        'no SIP edge configured at the hub (sip settings): no phone fallback',
      );
    return ctx.sip;
  };
  const buildingOf = (panelId: string): string => {
    const buildingId = store.sip.buildingOf(panelId);
    if (buildingId === undefined) throw new NotFoundError(`no panel "${panelId}"`);
    return buildingId;
  };
  router
    .add('POST', '/api/v1/panels/{id}/sip-account', ({ req, params }) => {
      const actor = operatorOnly(req);
      const sip = edge();
      const panelId = params['id']!;
      const buildingId = buildingOf(panelId);
      const phone = store.transaction(() => {
        record(actor, 'rotate', panelId, buildingId);
        return issuePanelSipAccount(store, panelId, sip.edge, ctx.clock.now());
      });
      sip.changed(buildingId);
      const body: PanelSipAccountReply = {
        panelId,
        phone,
        redo: [
          'panel: replace intercom.phone in panel.yaml with this section, then restart the panel (its old SIP password stops working now)',
        ],
      };
      return { status: 200, body };
    })
    .add('DELETE', '/api/v1/panels/{id}/sip-account', ({ req, params }) => {
      const actor = operatorOnly(req);
      const sip = edge();
      const panelId = params['id']!;
      const buildingId = buildingOf(panelId);
      store.transaction(() => {
        // Thrown inside: nothing is recorded for an account that was not there.
        if (!store.sip.remove(panelId)) throw new NotFoundError(`panel "${panelId}" has no SIP account`);
        record(actor, 'delete', panelId, buildingId);
      });
      sip.changed(buildingId);
      return { status: 204, body: undefined };
    });
}
