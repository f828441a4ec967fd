/** The OpenAPI 3.1 document of the local API, derived from the same zod schemas that validate requests. */

import { z } from 'zod';
import { auditEventSchema } from '../../cloud-sync/protocol/messages.ts';
import {
  PANEL_PAIRING_PATH,
  PANEL_PAIRING_QR_PATH,
  panelPairingStatus,
} from '../../cloud-sync/protocol/pairing.ts';
import {
  callState,
  cardFeedback,
  directoryReply,
  panelHealth,
  ringReply,
  SCREEN_STREAM_PATH,
} from '../../cloud-sync/protocol/panel-api.ts';
import { errorBody } from '../../lib/http/error-body.ts';
import { json, jsonIn, pathId, queryParameters, schemaOf } from '../../lib/http/openapi-parts.ts';
import { accessDecisionSchema } from '../access/types.ts';
import { doorStateView } from '../door/door-state.ts';
import { simRelayView } from '../sim/sim-controls.ts';
import { INSTALLER_SECURITY_SCHEME, installerPaths } from './installer-openapi.ts';
import { SPEECH_PATH } from './routes/speech-routes.ts';
import { eventsQuery, inputBody, speechQuery, tapBody, unlockBody } from './schemas.ts';

const errors = {
  '4XX': {
    description:
      'bad request, unknown id, missing token, or (403) a foreign Host or cross-site Origin (see api.allowedOrigins)',
    ...json(errorBody),
  },
};

export function openApiDocument(options: {
  sim: boolean;
  pairing?: boolean;
  intercom?: boolean;
  speech?: boolean;
  installer?: boolean;
}): Record<string, unknown> {
  const paths: Record<string, unknown> = {
    '/healthz': {
      get: {
        summary: 'Liveness and basic state',
        responses: {
          200: { description: 'ok, or degraded by a missing reader', ...json(panelHealth) },
          503: {
            description: 'storage degraded: doors work, audit events held in memory',
            ...json(panelHealth),
          },
        },
      },
    },
    '/api/v1/doors': {
      get: {
        summary: 'Doors with lock, contact and alarm state',
        responses: { 200: { description: 'doors', ...json(z.object({ doors: z.array(doorStateView) })) } },
      },
    },
    '/api/v1/events': {
      get: {
        summary: 'Audit events after a sequence number, oldest first (read token or installer token)',
        security: [{ reader: [] }, { installer: [] }],
        parameters: queryParameters(eventsQuery),
        responses: {
          200: {
            description: 'events',
            ...json(z.object({ events: z.array(auditEventSchema), lastSeq: z.number() })),
          },
          ...errors,
        },
      },
    },
    '/api/v1/doors/{id}/unlock': {
      post: {
        summary: 'Unlock a door for one bounded pulse (installer token)',
        security: [{ installer: [] }],
        parameters: [pathId('id')],
        requestBody: { ...jsonIn(unlockBody), required: false },
        responses: {
          202: {
            description: 'unlocking',
            ...json(z.object({ doorId: z.string(), seq: z.number(), pulseMs: z.number() })),
          },
          ...errors,
        },
      },
    },
    [SCREEN_STREAM_PATH]: screenStreamPath(Boolean(options.intercom)),
  };
  if (options.sim) {
    paths['/api/v1/sim/readers/{readerId}/tap'] = {
      post: {
        summary: 'Simulator: tap a card on a reader',
        parameters: [pathId('readerId')],
        requestBody: jsonIn(tapBody),
        responses: { 200: { description: 'the access decision', ...json(accessDecisionSchema) }, ...errors },
      },
    };
    paths['/api/v1/sim/inputs/{inputId}'] = {
      post: {
        summary: 'Simulator: set an input (<doorId>.exitButton|doorContact|tamper)',
        parameters: [pathId('inputId')],
        requestBody: jsonIn(inputBody),
        responses: { 200: { description: 'set' }, ...errors },
      },
    };
    paths['/api/v1/sim/relays'] = {
      get: {
        summary: 'Simulator: relay states',
        responses: { 200: { description: 'relays', ...json(z.object({ relays: z.array(simRelayView) })) } },
      },
    };
  }
  if (options.intercom) Object.assign(paths, intercomPaths());
  if (options.speech) paths[SPEECH_PATH] = speechPath();
  if (options.installer) Object.assign(paths, installerPaths());
  if (options.pairing) Object.assign(paths, pairingPaths());
  if (options.intercom && options.sim) {
    paths['/api/v1/sim/media'] = {
      get: {
        summary: 'Simulator: media engine figures (peers, packets sent, audio that reached the speaker)',
        responses: { 200: { description: 'figures' }, ...errors },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'portvakt panel local API', version: '1.0.0' },
    components: {
      securitySchemes: {
        installer: { type: 'http', scheme: 'bearer', description: 'api.installerToken' },
        reader: { type: 'http', scheme: 'bearer', description: 'api.readToken' },
        ...INSTALLER_SECURITY_SCHEME,
      },
    },
    paths,
  };
}

function intercomPaths(): Record<string, unknown> {
  return {
    '/api/v1/directory': {
      get: {
        summary: 'The directory as the panel shows it: hidden residents absent, pictures only where allowed',
        responses: {
          200: { description: 'bells', ...json(directoryReply) },
        },
      },
    },
    '/api/v1/bells/{bellId}/ring': {
      post: {
        summary: "Ring a bell, as the visitor's ring button does (409 busy: another call is in progress)",
        parameters: [pathId('bellId')],
        responses: { 202: { description: 'ringing', ...json(ringReply) }, ...errors },
      },
    },
    '/api/v1/call': {
      get: {
        summary: 'The call in progress, if any',
        responses: { 200: { description: 'call state', ...json(callState) } },
      },
    },
    '/api/v1/calls/{callId}/hangup': {
      post: {
        summary: 'The visitor cancels a ringing call or hangs up an answered one',
        parameters: [pathId('callId')],
        responses: { 200: { description: 'ended', ...json(callState) }, ...errors },
      },
    },
  };
}

/** The screen stream: its events' data are the protocol's views, named in the description. */
function screenStreamPath(intercom: boolean): Record<string, unknown> {
  const events = [
    ...(intercom
      ? [
          '`event: directory` (DirectoryReply) when the stream opens and after each applied config that changed it',
          '`event: call` (CallState) when the stream opens and at every change of the call',
        ]
      : []),
    "`event: card` (CardFeedback: tapId, at, granted, doors opened by name; never a reason, a name or the card) at each tap's decision",
  ];
  return {
    get: {
      summary: `What the panel page shows, live (server-sent events): ${events.join('; ')}`,
      responses: {
        200: {
          description: 'the stream; the data of each event is JSON',
          content: {
            'text/event-stream': {
              schema: { type: 'string' },
              'x-events': {
                ...(intercom
                  ? { directory: schemaOf(directoryReply, 'output'), call: schemaOf(callState, 'output') }
                  : {}),
                card: schemaOf(cardFeedback, 'output'),
              },
            },
          },
        },
        429: { description: 'too many screen streams open', ...json(errorBody) },
      },
    },
  };
}

function speechPath(): Record<string, unknown> {
  return {
    get: {
      summary:
        'Spoken status for the panel page: the text said by espeak-ng in the language (nb, en, sv), as a WAV for an <audio> element. One synthesis at a time; recent texts are cached',
      parameters: queryParameters(speechQuery),
      responses: {
        200: {
          description: 'the speech',
          content: { 'audio/wav': { schema: { type: 'string', format: 'binary' } } },
        },
        400: { description: 'a bad language or text (named)', ...json(errorBody) },
        429: { description: 'too many texts waiting to be spoken (see Retry-After)', ...json(errorBody) },
        503: {
          description: 'speech synthesis failed (espeak-ng missing, failing or too slow)',
          ...json(errorBody),
        },
      },
    },
  };
}

/** Pairing as the screen reads it (device/pairing/). */
function pairingPaths(): Record<string, unknown> {
  return {
    [PANEL_PAIRING_PATH]: {
      get: {
        summary: 'Pairing with the hub: unpaired, waiting (with the code to show), paired, or error',
        responses: { 200: { description: 'the pairing state', ...json(panelPairingStatus) } },
      },
    },
    [PANEL_PAIRING_QR_PATH]: {
      get: {
        summary: "The code on screen as a QR (SVG): WebAdmin's pairing form with the code filled in",
        responses: {
          200: { description: 'image/svg+xml', content: { 'image/svg+xml': { schema: { type: 'string' } } } },
          ...errors,
        },
      },
    },
  };
}
