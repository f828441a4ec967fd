/**
 * Short-lived TURN credentials for residents' app devices, in coturn's REST API scheme
 * (`use-auth-secret` + `static-auth-secret` in turnserver.conf, deploy/turn/): the username is
 * "<expiry in Unix seconds>:<app device id>" and the password is base64(HMAC-SHA1(secret, username)).
 * coturn recomputes the HMAC and refuses an expired username, so the browser holds a credential that
 * works for `ttlS` only and names the device it was issued to (coturn logs it), never the secret.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { secretSetting } from '../../../lib/log/secret-settings.ts';
import type { IceServersReply } from '../../protocol/ice.ts';

const iceUrl = z.string().regex(/^(stun|turns?):[^\s]{1,250}$/, 'must be a stun:, turn: or turns: URL');

export const turnSettingsSchema = z
  .object({
    urls: z
      .array(iceUrl)
      .min(1)
      .max(8)
      .describe('the TURN (and STUN) URLs app devices use, e.g. turn:turn.example.com:3478?transport=udp'),
    secret: secretSetting(z.string().min(16, 'must be at least 16 characters')).describe(
      "coturn's static-auth-secret (at least 16 characters)",
    ),
    ttlS: z
      .number()
      .int()
      .min(60)
      .max(86_400)
      .default(3600)
      .describe('how long a TURN credential handed to an app device works'),
  })
  .strict();

export type TurnSettings = z.output<typeof turnSettingsSchema>;

/** The ICE servers for one app device at `nowMs`; without TURN settings, none (direct only). */
export function iceServersFor(
  turn: TurnSettings | undefined,
  appDeviceId: string,
  nowMs: number,
): IceServersReply {
  if (!turn) return { iceServers: [], expiresAt: null };
  const expiresS = Math.floor(nowMs / 1000) + turn.ttlS;
  const username = `${expiresS}:${appDeviceId}`;
  const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
  const stun = turn.urls.filter((u) => u.startsWith('stun:'));
  const relays = turn.urls.filter((u) => !u.startsWith('stun:'));
  return {
    iceServers: [
      ...(stun.length ? [{ urls: stun }] : []),
      ...(relays.length ? [{ urls: relays, username, credential }] : []),
    ],
    expiresAt: expiresS * 1000,
  };
}
