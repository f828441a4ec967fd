/**
 * Invites to the resident app: an administrator's one-time code (shown once, as a link
 * `/app/#invite=CODE`), which the resident redeems in the app by choosing a password; the reply is a
 * login. Bodies the hub validates and replies the browser validates, one definition each.
 */
import { z } from 'zod';
import { residentLoginBody } from './resident-api.ts';

/** How long an invite stays valid. */
export const INVITE_TTL_MS = 7 * 86_400_000;
/** The shortest password a resident may choose (the hub's random ones are longer). */
export const RESIDENT_PASSWORD_MIN_CHARS = 10;
/** The fragment the app reads the code from: the code never reaches a server log or a Referer. */
export const INVITE_LINK_PREFIX = '/app/#invite=';

/** 256 random bits, base64url: 43 characters. */
export const inviteCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{43}$/, 'an invite code is the 43 characters after "#invite=" in the link');

export const residentInviteReply = z
  .object({
    residentId: z.string(),
    code: inviteCode.describe('shown this once; the hub keeps only a hash'),
    link: z.string().describe('the path to send the resident (prefix the hub address)'),
    expiresAt: z.number().int(),
  })
  .strict();

export const inviteRedeemBody = z
  .object({
    code: inviteCode,
    password: z
      .string()
      .min(
        RESIDENT_PASSWORD_MIN_CHARS,
        `choose a password of at least ${RESIDENT_PASSWORD_MIN_CHARS} characters`,
      )
      .max(200),
    deviceName: residentLoginBody.shape.deviceName,
    appDeviceId: residentLoginBody.shape.appDeviceId,
  })
  .strict();

export type ResidentInviteReply = z.output<typeof residentInviteReply>;
export type InviteRedeemBody = z.output<typeof inviteRedeemBody>;
