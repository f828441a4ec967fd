/**
 * A resident's doorbell settings at the panel (device/resident-panel/): sign in with a recent tap of
 * their card and their PIN, read and change their settings, sign out. The session token comes back as
 * `Authorization: Bearer`, never in a URL. The panel page calls these same-origin.
 */
import type { z } from 'zod';
import {
  RESIDENT_SESSION_PATH,
  type residentSessionReply,
  residentSettingsPatch,
  type residentSettingsSent,
  residentSignInBody,
} from '../../../cloud-sync/protocol/resident-panel.ts';
import { bearerToken } from '../../../lib/http/bearer.ts';
import { parseInput } from '../../../lib/http/parse-input.ts';
import type { Router } from '../../../lib/http/router.ts';
import type { ResidentPanelApi } from '../../resident-panel/resident-panel-api.ts';

export function addResidentSessionRoutes(router: Router, residents: ResidentPanelApi): void {
  const me = `${RESIDENT_SESSION_PATH}/me`;
  router
    .add('POST', RESIDENT_SESSION_PATH, async ({ body }) => ({
      status: 201,
      body: (await residents.signIn(parseInput(residentSignInBody, body, 'sign-in'))) satisfies z.output<
        typeof residentSessionReply
      >,
    }))
    .add('GET', me, ({ req }) => ({ status: 200, body: residents.settings(bearerToken(req)) }))
    .add('PATCH', me, ({ req, body }) => {
      const token = bearerToken(req);
      const patch = parseInput(residentSettingsPatch, body, 'settings');
      return {
        status: 202,
        body: residents.change(token, patch) satisfies z.output<typeof residentSettingsSent>,
      };
    })
    .add('DELETE', RESIDENT_SESSION_PATH, ({ req }) => {
      residents.signOut(bearerToken(req));
      return { status: 204, body: undefined };
    });
}
