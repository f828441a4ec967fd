/** OpenAPI paths of the resident app's API and the broker's auth backend (merged by openapi.ts). */
import { z } from 'zod';
import { errorBody } from '../../../lib/http/error-body.ts';
import { json, jsonIn, pathId, queryParameters } from '../../../lib/http/openapi-parts.ts';
import { iceServersReply } from '../../protocol/ice.ts';
import {
  callLogQuery,
  callLogReply,
  residentCommandReply,
  residentDoorsReply,
  residentLoginBody,
  residentLoginReply,
  residentOpenReply,
  residentProfile,
} from '../../protocol/resident-api.ts';
import { brokerAclBody, brokerAuthBody, brokerDecision } from './broker-routes.ts';
import { residentSelfPaths } from './resident-self-openapi.ts';

const errors = {
  '4XX': { description: 'bad request, unknown id, refused or no session', ...json(errorBody) },
};
const resident = [{ resident: [] }];
const broker = [{ broker: [] }];

export const residentSecuritySchemes = {
  resident: {
    type: 'http',
    scheme: 'bearer',
    description: 'the token from POST /api/v1/resident/login',
  },
  broker: { type: 'http', scheme: 'bearer', description: "the broker auth secret from the hub's config" },
};

export function residentApiPaths(): Record<string, unknown> {
  const decision = {
    200: { description: 'allowed', ...json(brokerDecision) },
    403: { description: 'denied', ...json(brokerDecision) },
    ...errors,
  };
  return {
    '/api/v1/residents/{id}/login': {
      post: {
        summary: "Set (or replace) a resident's app password; the reply shows it this once only",
        parameters: [pathId('id')],
        responses: {
          201: {
            description: 'the new password',
            ...json(z.object({ residentId: z.string(), password: z.string() })),
          },
          ...errors,
        },
      },
    },
    '/api/v1/resident/login': {
      post: {
        summary:
          'Log a resident in: session token, app device id and broker credentials. The app device named in ' +
          "the body is re-used when it is the resident's and logged out (no config change), else a new one is made. " +
          'Attempts are rate-limited per client address and failed ones back off per resident and address: ' +
          '429 with Retry-After',
        security: [],
        requestBody: jsonIn(residentLoginBody),
        responses: { 201: { description: 'logged in', ...json(residentLoginReply) }, ...errors },
      },
    },
    '/api/v1/resident/logout': {
      post: {
        summary:
          'End the session and revoke its broker credentials (the app device stays for the next login of this install)',
        security: resident,
        responses: { 204: { description: 'logged out' }, ...errors },
      },
    },
    '/api/v1/resident/me': {
      get: {
        summary: 'The resident, this app device and the panels allowed to call it',
        security: resident,
        responses: { 200: { description: 'profile', ...json(residentProfile) }, ...errors },
      },
    },
    '/api/v1/resident/doors': {
      get: {
        summary: 'Doors the resident has an access rule for, with panel, building and whether it opens now',
        security: resident,
        responses: { 200: { description: 'doors', ...json(residentDoorsReply) }, ...errors },
      },
    },
    '/api/v1/resident/doors/{doorId}/open': {
      post: {
        summary:
          'Open a door remotely: a signed door.open on behalf of the resident (403 when not allowed; 429 with ' +
          'Retry-After beyond the rate limit per resident)',
        security: resident,
        parameters: [pathId('doorId')],
        responses: { 202: { description: 'sent', ...json(residentOpenReply) }, ...errors },
      },
    },
    '/api/v1/resident/commands/{nonce}': {
      get: {
        summary: "One of the resident's door openings and the panel's answer",
        security: resident,
        parameters: [pathId('nonce')],
        responses: { 200: { description: 'command', ...json(residentCommandReply) }, ...errors },
      },
    },
    '/api/v1/resident/ice-servers': {
      get: {
        summary: "STUN/TURN servers for this app device's calls, with TURN credentials that expire",
        security: resident,
        responses: { 200: { description: 'ICE servers', ...json(iceServersReply) }, ...errors },
      },
    },
    '/api/v1/resident/calls': {
      get: {
        summary: 'Calls that rang this resident, newest first, with the visitor picture',
        security: resident,
        parameters: queryParameters(callLogQuery),
        responses: { 200: { description: 'call log', ...json(callLogReply) }, ...errors },
      },
    },
    ...residentSelfPaths(),
    '/api/v1/broker/auth': {
      post: {
        summary:
          'Broker HTTP auth backend: may this app device log in (username = app device id = client id)?',
        security: broker,
        requestBody: jsonIn(brokerAuthBody),
        responses: decision,
      },
    },
    '/api/v1/broker/acl': {
      post: {
        summary:
          'Broker HTTP ACL backend: an app device reads/subscribes only …/calls/to/<itself> and ' +
          "writes only …/<panel>/calls/from/<itself>, for the panels of its resident's buildings",
        security: broker,
        requestBody: jsonIn(brokerAclBody),
        responses: decision,
      },
    },
  };
}
