/** OpenAPI paths of the resident app's self-service routes (resident-self-routes.ts), merged by resident-openapi.ts. */
import { errorBody } from '../../../lib/http/error-body.ts';
import { json, jsonIn, pathId, queryParameters } from '../../../lib/http/openapi-parts.ts';
import { panelPinSetBody, panelPinStatus } from '../../protocol/resident-panel.ts';
import {
  pictureUploadBody,
  selfBellTextBody,
  selfCardAddBody,
  selfCardChange,
  selfCardStatusBody,
  selfCardsReply,
  selfDevicesReply,
  selfDoorbell,
  selfDoorbellBody,
  selfProfile,
  selfProfileBody,
} from '../../protocol/resident-self-service.ts';
import { waitQuery } from './config-wait.ts';

const errors = {
  '4XX': {
    description: "bad input, refused by the building's policy, or not the caller's own (404)",
    ...json(errorBody),
  },
};
const security = [{ resident: [] }];
const op = (summary: string, responses: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  summary,
  security,
  ...extra,
  responses: { ...responses, ...errors },
});
const doorbell = { 200: { description: 'the doorbell settings', ...json(selfDoorbell) } };
const pinStatus = { 200: { description: 'whether a panel PIN is set', ...json(panelPinStatus) } };

export function residentSelfPaths(): Record<string, unknown> {
  const P = '/api/v1/resident';
  return {
    [`${P}/profile`]: {
      get: op('The resident’s name, phone number and e-mail', {
        200: { description: 'profile', ...json(selfProfile) },
      }),
      patch: op(
        'Change name, phone number (E.164; the phone fallback calls it) or e-mail; null clears the last two',
        { 200: { description: 'profile', ...json(selfProfile) } },
        { requestBody: jsonIn(selfProfileBody) },
      ),
    },
    [`${P}/doorbell`]: {
      get: op('The resident’s own bells per panel, unit bells, picture, hiding and ringtone', doorbell),
      patch: op(
        'Hide now, hide until a time (at most a year ahead), hide on a weekly schedule (the resident’s own time profile), ringtone',
        doorbell,
        { requestBody: jsonIn(selfDoorbellBody) },
      ),
    },
    [`${P}/doorbell/bells/{bellId}`]: {
      patch: op('Set the text of the resident’s own bell on one panel', doorbell, {
        parameters: [pathId('bellId')],
        requestBody: jsonIn(selfBellTextBody),
      }),
    },
    [`${P}/doorbell/picture`]: {
      put: op(
        'Upload a picture (JPEG, PNG or WebP by content; size and pixel limits); the hub re-encodes it to a small JPEG without metadata. 403 where the building does not allow pictures',
        doorbell,
        { requestBody: jsonIn(pictureUploadBody) },
      ),
      delete: op('Remove the picture', doorbell),
    },
    [`${P}/cards`]: {
      get: op('The resident’s own cards and whether the building lets them add one', {
        200: { description: 'cards', ...json(selfCardsReply) },
      }),
      post: op(
        'Add a card by UID (403 unless the building’s policy lets residents add their own cards)',
        { 201: { description: 'the card; with ?wait, where it is in force', ...json(selfCardChange) } },
        { requestBody: jsonIn(selfCardAddBody), parameters: queryParameters(waitQuery) },
      ),
    },
    [`${P}/cards/{cardId}`]: {
      patch: op(
        'Block a lost card or unblock it (never one the administrator revoked)',
        { 200: { description: 'the card; with ?wait, where it is in force', ...json(selfCardChange) } },
        {
          parameters: [pathId('cardId'), ...queryParameters(waitQuery)],
          requestBody: jsonIn(selfCardStatusBody),
        },
      ),
    },
    [`${P}/devices`]: {
      get: op('The app devices the resident is logged in on', {
        200: { description: 'devices', ...json(selfDevicesReply) },
      }),
    },
    [`${P}/panel-pin`]: {
      get: op('Whether the resident has a panel PIN (never the PIN or its hash)', pinStatus),
      put: op(
        'Set the PIN the resident confirms with at their panel (4–8 digits, not trivial); the current password is re-checked (403 when wrong, failures back off like logins). Only its scrypt hash is kept, and only the panels of the resident’s building receive it',
        pinStatus,
        { requestBody: jsonIn(panelPinSetBody) },
      ),
      delete: op('Clear the panel PIN: no doorbell settings at the panel until a new one is set', pinStatus),
    },
    [`${P}/devices/{deviceId}`]: {
      delete: op(
        'Log one app device out: its session, its broker access and its place in the panels’ directory end at once',
        { 204: { description: 'logged out' } },
        { parameters: [pathId('deviceId')] },
      ),
    },
  };
}
