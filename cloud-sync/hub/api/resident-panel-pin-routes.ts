/**
 * The resident app's panel PIN, under /api/v1/resident/panel-pin (resident session token): whether one
 * is set, set it (the current password re-checked), clear it. The PIN and its hash are never returned.
 */
import { parseInput } from '../../../lib/http/parse-input.ts';
import type { Router } from '../../../lib/http/router.ts';
import { panelPinSetBody } from '../../protocol/resident-panel.ts';
import { ClientAddresses } from '../residents/client-address.ts';
import { clearPanelPin, panelPinStatus, setPanelPin } from '../residents/panel-pin.ts';
import { RateLimit } from '../residents/rate-limit.ts';
import type { HubApiContext } from './context.ts';

/** Each set costs a scrypt and a config version on the building's panels: a person needs a few. */
const PIN_CHANGES = { burst: 10, perMinute: 5 };

export function addResidentPanelPinRoutes(router: Router, ctx: HubApiContext, prefix: string): void {
  const { residents, store, clock, publisher } = ctx;
  const addresses = new ClientAddresses(ctx.trustedProxies);
  const changes = new RateLimit(clock, PIN_CHANGES, 'changes to your panel PIN');
  const me = (req: { headers: { authorization?: string | undefined } }) =>
    residents.authenticate(req.headers.authorization);
  const logged = (residentId: string, what: string) =>
    residents.selfServiceLogger.info({ residentId, what }, 'resident changed their own settings');
  router
    .add('GET', `${prefix}panel-pin`, ({ req }) => ({
      status: 200,
      body: panelPinStatus(store, me(req).residentId),
    }))
    .add('PUT', `${prefix}panel-pin`, async ({ req, body }) => {
      const { residentId } = me(req);
      const { pin, password } = parseInput(panelPinSetBody, body, 'panel PIN');
      changes.take(residentId);
      residents.confirmPassword(
        residentId,
        password,
        addresses.of(req.socket.remoteAddress, req.headers['x-forwarded-for']),
      );
      const reply = await setPanelPin(store, publisher, residentId, pin, clock.now());
      logged(residentId, 'panel PIN set');
      return { status: 200, body: reply };
    })
    // Clearing takes a right away (no settings at the panel), so the session alone may do it.
    .add('DELETE', `${prefix}panel-pin`, ({ req }) => {
      const { residentId } = me(req);
      changes.take(residentId);
      const reply = clearPanelPin(store, publisher, residentId);
      logged(residentId, 'panel PIN cleared');
      return { status: 200, body: reply };
    });
}
