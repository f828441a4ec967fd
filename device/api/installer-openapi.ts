/** The installer mode part of the local API's OpenAPI document (routes/installer-routes.ts). */
import { z } from 'zod';
import {
  factoryResetBody,
  INSTALLER_PATHS,
  installerStatusReply,
  micLevel,
  selfTestReply,
  sessionBody,
  sessionReply,
  testPulseBody,
} from '../../cloud-sync/protocol/installer-api.ts';
import { errorBody } from '../../lib/http/error-body.ts';
import { json, jsonIn, pathId, queryParameters } from '../../lib/http/openapi-parts.ts';
import { logsQuery } from './schemas.ts';

const errors = {
  '4XX': { description: 'bad input, no session (401), unknown door, or a refusal', ...json(errorBody) },
};
const security = [{ installerSession: [] }, { installer: [] }];

export const INSTALLER_SECURITY_SCHEME = {
  installerSession: {
    type: 'http',
    scheme: 'bearer',
    description: 'the token of POST /api/v1/installer/session (the installer PIN)',
  },
};

export function installerPaths(): Record<string, unknown> {
  const get = (summary: string, responses: Record<string, unknown>, more: Record<string, unknown> = {}) => ({
    get: { summary, security, ...more, responses: { ...responses, ...errors } },
  });
  return {
    [INSTALLER_PATHS.status]: {
      get: {
        summary: 'Whether installer mode can be entered (a PIN is set) and the wrong-PIN wait left',
        responses: { 200: { description: 'status', ...json(installerStatusReply) } },
      },
    },
    [INSTALLER_PATHS.session]: {
      post: {
        summary:
          'Enter installer mode with the installer PIN (one session at a time: a new one ends the old; idle 10 min, at most 60 min). Wrong PINs: 3 free tries, then 30 s doubling to 1 h, refused with 429 and Retry-After meanwhile',
        requestBody: jsonIn(sessionBody),
        responses: {
          201: { description: 'the session', ...json(sessionReply) },
          403: { description: 'installer mode is disabled: no PIN set', ...json(errorBody) },
          429: { description: 'wrong-PIN backoff (Retry-After)', ...json(errorBody) },
          ...errors,
        },
      },
      delete: {
        summary: 'Leave installer mode',
        security,
        responses: { 204: { description: 'left' }, ...errors },
      },
    },
    [INSTALLER_PATHS.selfTest]: get(
      'Self-test: identity, software, relays, inputs, readers, network, clock, disk',
      {
        200: { description: 'the facts', ...json(selfTestReply) },
      },
    ),
    '/api/v1/installer/doors/{id}/test-pulse': {
      post: {
        summary:
          'Click a relay: one bounded pulse through the one door-open path, audited (installer.relay_tested)',
        security,
        parameters: [pathId('id')],
        requestBody: { ...jsonIn(testPulseBody), required: false },
        responses: {
          202: { description: 'pulsing', ...json(z.object({ doorId: z.string(), pulseMs: z.number() })) },
          ...errors,
        },
      },
    },
    [INSTALLER_PATHS.stream]: get(
      'Live (server-sent events): `state`, then `input`, `relay`, `card-read` (reader, time, UID length — never the UID) and `mic-level` about every 300 ms; `end` when the session ends',
      {
        200: { description: 'the stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
      },
    ),
    [INSTALLER_PATHS.camera]: get("The camera's newest still", {
      200: {
        description: 'a JPEG',
        content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } },
      },
      503: { description: 'no camera picture (no intercom, or the camera is down)', ...json(errorBody) },
    }),
    [INSTALLER_PATHS.microphone]: get('The microphone level over the last 300 ms (dBFS)', {
      200: { description: 'the level', ...json(micLevel) },
    }),
    [INSTALLER_PATHS.speakerTest]: {
      post: {
        summary: 'Play a 1 s 1 kHz tone through the speaker (refused while a call is on)',
        security,
        responses: { 200: { description: 'played' }, ...errors },
      },
    },
    [INSTALLER_PATHS.logs]: get(
      "The panel's newest log lines as redacted by its loggers (no UID, no secret), as a download",
      { 200: { description: 'NDJSON', content: { 'application/x-ndjson': { schema: { type: 'string' } } } } },
      { parameters: queryParameters(logsQuery) },
    ),
    [INSTALLER_PATHS.factoryReset]: {
      post: {
        summary:
          'Factory reset: lock every relay, erase residents, cards, keys and secrets, restart unprovisioned',
        security,
        requestBody: jsonIn(factoryResetBody),
        responses: { 202: { description: 'erasing; the panel restarts' }, ...errors },
      },
    },
  };
}
