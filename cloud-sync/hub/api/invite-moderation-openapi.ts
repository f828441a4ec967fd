/** The invite and moderation routes' part of the hub admin API's OpenAPI document (openapi.ts). */
import { errorBody } from '../../../lib/http/error-body.ts';
import { json, jsonIn, pathId, queryParameters } from '../../../lib/http/openapi-parts.ts';
import { moderationReply, resetTextBody } from '../../protocol/admin-moderation.ts';
import { configOutcomeView } from '../../protocol/admin-panels.ts';
import { residentLoginReply } from '../../protocol/resident-api.ts';
import { INVITE_TTL_MS, inviteRedeemBody, residentInviteReply } from '../../protocol/resident-invite.ts';
import { waitQuery } from './config-wait.ts';
import { MODERATION_PATHS } from './moderation-routes.ts';
import { INVITE_REDEEM_PATH } from './resident-invite-routes.ts';

const errors = {
  '4XX': { description: 'bad input, unknown id or not yours, missing credential', ...json(errorBody) },
};
const moderated = {
  200: {
    description: 'done (one change, published at once)',
    ...json(moderationReply.extend({ config: configOutcomeView })),
  },
  ...errors,
};
const wait = queryParameters(waitQuery);

export function inviteModerationPaths(): Record<string, unknown> {
  return {
    '/api/v1/residents/{id}/invite': {
      post: {
        summary: 'A one-time invite to the resident app (replaces any older invite of the resident)',
        description: `The code is shown once (the hub keeps a hash) and is valid for ${INVITE_TTL_MS / 86_400_000} days; send the resident the link. Redeeming sets the password they choose and logs them in.`,
        parameters: [pathId('id')],
        responses: { 201: { description: 'the invite', ...json(residentInviteReply) }, ...errors },
      },
    },
    [INVITE_REDEEM_PATH]: {
      post: {
        summary: "Redeem an invite: set the resident's password and log in (the code is the credential)",
        description:
          'Rate-limited per client address like logins. 401: unknown or already used code; 409 invite_expired: ask for a new invite. The code is spent on its first use.',
        security: [],
        requestBody: jsonIn(inviteRedeemBody),
        responses: { 201: { description: 'logged in', ...json(residentLoginReply) }, ...errors },
      },
    },
    [MODERATION_PATHS.resetText]: {
      post: {
        summary: "Moderation: reset the resident's display text to their name (on one panel, or everywhere)",
        parameters: [pathId('id'), ...wait],
        requestBody: jsonIn(resetTextBody),
        responses: moderated,
      },
    },
    [MODERATION_PATHS.picture]: {
      delete: {
        summary: "Moderation: remove the resident's picture from every panel",
        parameters: [pathId('id'), ...wait],
        responses: moderated,
      },
    },
    [MODERATION_PATHS.directory]: {
      delete: {
        summary: "Moderation: take the resident off this panel's directory (their bells there; access stays)",
        description:
          'Their separate bells on the panel are deleted; a unit bell that rang the whole unit gets the other residents as members, one that listed them loses that member, one left with nobody is deleted.',
        parameters: [pathId('panelId'), pathId('residentId'), ...wait],
        responses: moderated,
      },
    },
  };
}
