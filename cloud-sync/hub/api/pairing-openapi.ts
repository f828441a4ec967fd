/** Pairing's part of the hub admin API's OpenAPI document (openapi.ts). */
import { errorBody } from '../../../lib/http/error-body.ts';
import { json, jsonIn, pathId } from '../../../lib/http/openapi-parts.ts';
import {
  PAIRING_CLAIM_PATH,
  PAIRING_REQUESTS_PATH,
  pairingClaimBody,
  pairingClaimReply,
  pairingPollReply,
  pairingRequestBody,
  pairingRequestReply,
} from '../../protocol/pairing.ts';

const errors = (what: string) => ({ '4XX': { description: what, ...json(errorBody) } });

export function pairingApiPaths(): Record<string, unknown> {
  return {
    [PAIRING_REQUESTS_PATH]: {
      post: {
        summary: 'An unpaired panel asks for a pairing code (no credential; rate-limited per address)',
        security: [],
        requestBody: jsonIn(pairingRequestBody),
        responses: {
          201: { description: 'the code to show, the poll token, the expiry', ...json(pairingRequestReply) },
          ...errors('bad body, pairing off (404), too many requests (429)'),
        },
      },
    },
    [`${PAIRING_REQUESTS_PATH}/{id}`]: {
      get: {
        summary: "The panel's poll (its poll token as bearer): waiting, or its sealed kit, given out once",
        security: [{ pollToken: [] }],
        parameters: [pathId('id')],
        responses: {
          200: { description: 'waiting, or claimed with the sealed kit', ...json(pairingPollReply) },
          ...errors('no token (401); unknown, expired or collected (404); too many polls (429)'),
        },
      },
    },
    [PAIRING_CLAIM_PATH]: {
      post: {
        summary:
          'Pair the panel showing this code: provisions it in the building, its kit waits for its poll',
        requestBody: jsonIn(pairingClaimBody),
        responses: {
          201: { description: 'paired; the generated installer PIN shown once', ...json(pairingClaimReply) },
          ...errors(
            'bad body, no such code or building (404), exists without reissue (409), rate-limited (429)',
          ),
        },
      },
    },
  };
}
