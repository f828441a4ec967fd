/** The OpenAPI 3.1 document of the hub admin API, derived from the zod schemas that validate requests. */
import { z } from 'zod';
import { errorBody } from '../../../lib/http/error-body.ts';
import { json, jsonIn, pathId, queryParameters } from '../../../lib/http/openapi-parts.ts';
import {
  commandViewSchema,
  configOutcomeView,
  enrolCardBody,
  openDoorBody,
  openDoorReply,
  panelSipAccountReply,
  panelStatusReply,
} from '../../protocol/admin-panels.ts';
import { ENTITY_NAMES, ENTITY_SPECS } from '../store/entity-specs.ts';
import { adminAccountPaths } from './admin-account-openapi.ts';
import { CONFIRMABLE } from './admin-routes.ts';
import { waitQuery } from './config-wait.ts';
import { eventApiPaths } from './events-openapi.ts';
import { importApiPaths } from './import-openapi.ts';
import { inviteModerationPaths } from './invite-moderation-openapi.ts';
import { pairingApiPaths } from './pairing-openapi.ts';
import { releaseApiPaths } from './release-openapi.ts';
import { residentApiPaths, residentSecuritySchemes } from './resident-openapi.ts';
import { rotationBody } from './schemas.ts';
import { unitOwnerPaths } from './unit-owner-openapi.ts';

const errors = {
  '4XX': { description: 'bad request, unknown id, conflict or missing token', ...json(errorBody) },
};
const anyObject = { content: { 'application/json': { schema: { type: 'object' } } } };

const rotationStatus = z.object({ current: z.string(), next: z.string().nullable() });

function entityPaths(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const name of ENTITY_NAMES) {
    const spec = ENTITY_SPECS[name];
    // Card and resident changes also answer their config outcome, and take ?wait= (config-wait.ts).
    const confirmable = CONFIRMABLE.includes(name);
    const view = confirmable ? spec.view.extend({ config: configOutcomeView }) : spec.view;
    const wait = confirmable ? { parameters: queryParameters(waitQuery) } : {};
    // Responses show the view (with the fields the hub fills in), requests the input schema.
    const row = { description: spec.what, ...json(view) };
    const list = json(z.object({ [name]: z.array(spec.view) }));
    paths[`/api/v1/${name}`] = {
      get: {
        summary: `List ${name} (query parameters filter by field, e.g. ?buildingId=)`,
        responses: { 200: { description: name, ...list }, ...errors },
      },
      post: {
        summary: `Create a ${spec.what}`,
        ...wait,
        requestBody: jsonIn(spec.schema),
        responses: { 201: row, ...errors },
      },
    };
    paths[`/api/v1/${name}/{id}`] = {
      parameters: [pathId('id')],
      get: { summary: `Get a ${spec.what}`, responses: { 200: row, ...errors } },
      patch: {
        summary: `Change fields of a ${spec.what} (merged, then validated whole; id cannot change)`,
        ...wait,
        requestBody: { required: true, ...anyObject },
        responses: { 200: row, ...errors },
      },
      delete: {
        summary: `Delete a ${spec.what} (cascades to what depends on it)`,
        ...wait,
        responses: {
          204: { description: 'deleted' },
          ...(confirmable
            ? {
                200: { description: 'deleted (with wait)', ...json(z.object({ config: configOutcomeView })) },
              }
            : {}),
          ...errors,
        },
      },
    };
  }
  return paths;
}

export function openApiDocument(): Record<string, unknown> {
  const paths = entityPaths();
  Object.assign(paths['/api/v1/panels'] as object, {
    post: {
      summary: 'Create a panel; the reply carries its broker password, shown only this once',
      requestBody: jsonIn(ENTITY_SPECS.panels.schema),
      responses: {
        201: {
          description:
            'panel with brokerPassword, installerToken and installerPin with its hash for panel.yaml (shown once; the hub keeps none of them)',
          ...json(
            ENTITY_SPECS.panels.view.extend({
              brokerPassword: z.string(),
              installerToken: z.string(),
              installerPin: z.string(),
              installerPinHash: z.string(),
            }),
          ),
        },
        ...errors,
      },
    },
  });
  Object.assign(paths['/api/v1/panels/{id}'] as object, {
    get: {
      summary: 'A panel with config versions (published/reported), online state and event position',
      responses: {
        200: {
          description: 'panel and status',
          ...json(panelStatusReply),
        },
        ...errors,
      },
    },
  });
  for (const action of ['block', 'unblock', 'revoke']) {
    paths[`/api/v1/cards/{id}/${action}`] = {
      post: {
        summary: `${action[0]!.toUpperCase()}${action.slice(1)} a card (revocation is final); with ?wait=MS the answer comes once every online panel has applied it`,
        parameters: [pathId('id'), ...queryParameters(waitQuery)],
        responses: {
          200: {
            description: 'the card, and the config versions the change produced',
            ...json(ENTITY_SPECS.cards.view.extend({ config: configOutcomeView })),
          },
          ...errors,
        },
      },
    };
  }
  paths['/api/v1/panels/{id}/credentials'] = {
    post: {
      summary:
        "Re-issue the panel's credentials: a new broker password (the old one works until the broker's passwd line is replaced), a new installer token and installer PIN (with the hash for panel.yaml) to set",
      parameters: [pathId('id')],
      responses: {
        200: {
          description: 'the new credentials, shown once, and what the installer must redo',
          ...json(
            z.object({
              panelId: z.string(),
              brokerPassword: z.string(),
              installerToken: z.string(),
              installerPin: z.string().describe('8 digits for installer mode on the screen; shown once'),
              installerPinHash: z.string().describe("for panel.yaml's api.installerPinHash"),
              redo: z.array(z.string()),
            }),
          ),
        },
        ...errors,
      },
    },
  };
  paths['/api/v1/panels/{id}/sip-account'] = {
    post: {
      summary:
        "Give the panel a new SIP password for the phone fallback (operator; needs the hub's sip settings): its intercom.phone section, shown once; the old password stops working",
      parameters: [pathId('id')],
      responses: {
        200: { description: 'the panel.yaml section, shown once', ...json(panelSipAccountReply) },
        ...errors,
      },
    },
    delete: {
      summary: "End the panel's SIP account (no more phone calls from it)",
      parameters: [pathId('id')],
      responses: { 204: { description: 'ended' }, ...errors },
    },
  };
  paths['/api/v1/panels/{id}/config-epoch'] = {
    post: {
      summary:
        "Start a new config epoch for the panel: its next snapshot replaces the panel's config whatever version it holds (recovery)",
      parameters: [pathId('id')],
      responses: {
        200: { description: 'the new epoch', ...json(z.object({ epoch: z.number(), version: z.number() })) },
        ...errors,
      },
    },
  };
  Object.assign(paths, releaseApiPaths(errors));
  paths['/api/v1/signing-keys'] = {
    get: {
      summary: 'The public key the hub signs with, and the next one during a rotation',
      responses: { 200: { description: 'keys', ...json(rotationStatus) }, ...errors },
    },
  };
  paths['/api/v1/signing-keys/rotation'] = {
    post: {
      summary:
        'Key rotation: begin (panels learn a next key from signed config), then finish once every panel applied it (sign with the next key only)',
      requestBody: jsonIn(rotationBody),
      responses: {
        200: {
          description: 'keys after the step',
          ...json(rotationStatus.extend({ behind: z.array(z.string()).optional() })),
        },
        ...errors,
      },
    },
  };
  paths['/api/v1/doors/{doorId}/open'] = {
    post: {
      summary: "Send a signed, 30-second door.open command to the door's panel",
      parameters: [pathId('doorId')],
      requestBody: jsonIn(openDoorBody),
      responses: { 202: { description: 'sent', ...json(openDoorReply) }, ...errors },
    },
  };
  paths['/api/v1/doors/{doorId}/enrol'] = {
    post: {
      summary:
        "Card enrolment: the next card on a reader of the door opens nothing and its UID becomes the command's result (GET /api/v1/commands/{nonce} → cardUid)",
      parameters: [pathId('doorId')],
      requestBody: jsonIn(enrolCardBody),
      responses: { 202: { description: 'sent', ...json(openDoorReply) }, ...errors },
    },
  };
  paths['/api/v1/commands/{nonce}'] = {
    get: {
      summary: 'A sent command and its result',
      parameters: [pathId('nonce')],
      responses: { 200: { description: 'command', ...json(commandViewSchema) }, ...errors },
    },
  };
  Object.assign(
    paths,
    residentApiPaths(),
    adminAccountPaths(),
    importApiPaths(),
    eventApiPaths(),
    inviteModerationPaths(),
    unitOwnerPaths(),
    pairingApiPaths(),
  );
  paths['/healthz'] = {
    get: {
      summary: 'Liveness, MQTT connection, inbox counters',
      security: [],
      responses: { 200: { description: 'ok' } },
    },
  };
  return {
    openapi: '3.1.0',
    info: { title: 'portvakt hub admin API', version: '1.0.0' },
    components: {
      securitySchemes: {
        admin: {
          type: 'http',
          scheme: 'bearer',
          description: "the operator token, or an administrator's session token (POST /api/v1/admin/login)",
        },
        ...residentSecuritySchemes,
        pollToken: { type: 'http', scheme: 'bearer', description: "a pairing request's poll token" },
      },
    },
    security: [{ admin: [] }],
    paths,
  };
}
