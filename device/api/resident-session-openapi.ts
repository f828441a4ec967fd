/** OpenAPI paths of the resident sign-in at the panel (routes/resident-session-routes.ts). */
import {
  RESIDENT_SESSION_PATH,
  residentSessionReply,
  residentSettingsPatch,
  residentSettingsSent,
  residentSignInBody,
} from '../../cloud-sync/protocol/resident-panel.ts';
import { errorBody } from '../../lib/http/error-body.ts';
import { json, jsonIn } from '../../lib/http/openapi-parts.ts';

const errors = { '4XX': { description: 'refused (see the summary), or bad input', ...json(errorBody) } };
const session = [{ residentSession: [] }];

export const residentSessionScheme = {
  residentSession: {
    type: 'http',
    scheme: 'bearer',
    description: `the token from POST ${RESIDENT_SESSION_PATH} (at most 3 minutes, one session at a time)`,
  },
};

export function residentSessionPaths(): Record<string, unknown> {
  return {
    [RESIDENT_SESSION_PATH]: {
      post: {
        summary:
          "A resident signs in with a tap of their own card (the `card` event's tapId, at most 60 s old, once) and the PIN they set in the resident app. " +
          '404: no such recent tap; 403: the card may not sign in (not active, not a resident’s); 409 `no_pin`: no PIN set; ' +
          '401: wrong PIN; 429 with Retry-After: wrong PINs back off per resident (3 tries, then 30 s doubling, at most 1 h) and all attempts share a bound',
        requestBody: jsonIn(residentSignInBody),
        responses: { 201: { description: 'signed in', ...json(residentSessionReply) }, ...errors },
      },
      delete: {
        summary: 'Sign out (also when the session already ended)',
        security: session,
        responses: { 204: { description: 'signed out' } },
      },
    },
    [`${RESIDENT_SESSION_PATH}/me`]: {
      get: {
        summary: 'The signed-in resident’s settings as this panel has them now',
        security: session,
        responses: {
          200: { description: 'settings', ...json(residentSessionReply.omit({ token: true })) },
          ...errors,
        },
      },
      patch: {
        summary:
          'Hide or show the resident’s name, or set the text of their own bell here (null: their name). Sent to the hub, which applies it like an app change; ' +
          'the screen shows it when the new config arrives. 409 `hub_unreachable` while the hub cannot be reached (nothing is queued), 409 `no_own_bell`',
        security: session,
        requestBody: jsonIn(residentSettingsPatch),
        responses: { 202: { description: 'sent to the hub', ...json(residentSettingsSent) }, ...errors },
      },
    },
  };
}
