/** The `intercom.phone` section of the panel config (device/config/schema.ts holds the rest). */
import { z } from 'zod';
import { filePath, secretText } from './config-fields.ts';

/**
 * The phone fallback: residents logged in to no app device are called on their phone through the SIP
 * edge (Kamailio, deploy/sip/). The hub provisions these values (`portvakt-hub provision`).
 */
export const phoneConfigSchema = z
  .object({
    edgeUrl: z
      .string()
      .regex(
        /^wss?:\/\/[^\s/]+(?::\d+)?(?:\/[^\s]*)?$/,
        'must be wss://host[:port][/path] (ws:// only to an edge on this machine)',
      )
      .describe('the SIP edge, SIP over WebSocket'),
    domain: z
      .string()
      .regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a host name')
      .describe('the SIP domain (digest realm) of the edge'),
    username: z.string().min(1).max(64).optional().describe('SIP login; defaults to panel.id'),
    password: secretText().max(256).describe('SIP password'),
    ca: filePath.optional().describe('PEM file of the CA the edge certificate must chain to (pinned)'),
    ringTimeoutS: z
      .number()
      .int()
      .min(5)
      .max(120)
      .default(30)
      .describe('longest a phone rings before the call counts as unanswered'),
    maxCallS: z
      .number()
      .int()
      .min(10)
      .max(1800)
      .default(120)
      .describe('an answered phone call is hung up after this long'),
    voice: z
      .string()
      .regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i, 'must be an espeak-ng voice such as en, nb or sv')
      .default('en')
      .describe("the language the callee's prompt is spoken in (espeak-ng voice)"),
    mediaAddress: z
      .string()
      .regex(/^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]{2,39})$/, 'must be an IP address')
      .optional()
      .describe("the panel's address for the phone call's audio; default: the one routed toward the edge"),
  })
  .strict()
  .superRefine((p, ctx) => {
    const host = /^wss?:\/\/([^/:]+|\[[^\]]+\])/.exec(p.edgeUrl)?.[1] ?? '';
    const local = host === 'localhost' || host.startsWith('127.') || host === '[::1]';
    if (p.edgeUrl.startsWith('ws://') && !local)
      ctx.addIssue({
        code: 'custom',
        path: ['edgeUrl'],
        message: 'ws:// (no TLS) is allowed only to 127.0.0.1',
      });
  });
