/** The unit owner routes' part of the hub API's OpenAPI document (openapi.ts). */
import { errorBody } from '../../../lib/http/error-body.ts';
import { json, jsonIn, pathId, queryParameters } from '../../../lib/http/openapi-parts.ts';
import { configOutcomeView } from '../../protocol/admin-panels.ts';
import {
  unitDoorbellBody,
  unitDoorbellsReply,
  unitOwnerBody,
  unitOwnerReply,
} from '../../protocol/unit-owner.ts';
import { waitQuery } from './config-wait.ts';
import { UNIT_OWNER_PATHS } from './unit-owner-routes.ts';

const errors = {
  '4XX': { description: 'bad input, unknown id or not yours, missing credential', ...json(errorBody) },
};
const resident = [{ resident: [] }];

export function unitOwnerPaths(): Record<string, unknown> {
  return {
    [UNIT_OWNER_PATHS.admin]: {
      parameters: [pathId('id')],
      get: {
        summary: "The unit's owner",
        responses: { 200: { description: 'owner', ...json(unitOwnerReply) }, ...errors },
      },
      put: {
        summary: "Name the unit's owner (a resident of the unit) or clear it (null)",
        description:
          'Recorded in the change log. An owner who moves to another unit or is removed owns nothing any more.',
        requestBody: jsonIn(unitOwnerBody),
        responses: { 200: { description: 'owner', ...json(unitOwnerReply) }, ...errors },
      },
    },
    [UNIT_OWNER_PATHS.unit]: {
      get: {
        summary: "The owner's unit: its doorbell type per panel (403 for a resident who owns no unit)",
        security: resident,
        responses: { 200: { description: 'unit', ...json(unitDoorbellsReply) }, ...errors },
      },
    },
    [UNIT_OWNER_PATHS.doorbell]: {
      put: {
        summary: "Set the unit's doorbell type on this panel: separate, family or business (the owner only)",
        description:
          "Rebuilds the unit's bells on the panel in one change (one publish), attributed to resident:<id>. sequential and parallel are the administrator's: asking for them, or changing a panel where the unit has one, answers 403.",
        security: resident,
        parameters: [pathId('panelId'), ...queryParameters(waitQuery)],
        requestBody: jsonIn(unitDoorbellBody),
        responses: {
          200: {
            description: 'the unit now',
            ...json(unitDoorbellsReply.extend({ config: configOutcomeView })),
          },
          ...errors,
        },
      },
    },
  };
}
