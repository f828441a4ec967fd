/**
 * An ICE candidate as it crosses a boundary: in call signaling between the panel and an app device
 * (calls.ts), and from the intercom to the media process (device/media/protocol.ts). The bounds live
 * here once; each boundary picks how strict its object is. The shape is WebRTC's RTCIceCandidateInit,
 * so a browser hands a parsed candidate straight to addIceCandidate.
 */
import { z } from 'zod';

export const iceCandidateFields = {
  candidate: z.string().max(1024),
  sdpMid: z.string().max(64),
  sdpMLineIndex: z.number().int().min(0).max(64),
};

/** On the wire: a missing media id or line index means "not given" (null), as in RTCIceCandidateInit. */
export const iceCandidateSchema = z
  .object({
    candidate: iceCandidateFields.candidate,
    sdpMid: iceCandidateFields.sdpMid.nullable().default(null),
    sdpMLineIndex: iceCandidateFields.sdpMLineIndex.nullable().default(null),
  })
  .strict();

export type IceCandidate = z.output<typeof iceCandidateSchema>;

const iceUrl = z.string().regex(/^(stun|turns?):[^\s]{1,250}$/, 'must be a stun:, turn: or turns: URL');

/** A STUN or TURN server as RTCPeerConnection takes it (RTCIceServer). */
export const iceServerSchema = z
  .object({
    urls: z.array(iceUrl).min(1).max(8),
    username: z.string().min(1).max(200).optional(),
    credential: z.string().min(1).max(200).optional(),
  })
  .strict();

/**
 * What the hub gives a logged-in app device for its calls: the STUN/TURN servers, the TURN ones with
 * credentials that expire (coturn's REST API scheme), so the browser never holds a lasting secret.
 */
export const iceServersReply = z
  .object({
    iceServers: z.array(iceServerSchema).max(8),
    expiresAt: z
      .number()
      .int()
      .min(0)
      .nullable()
      .describe('when the TURN credentials stop working (ms since the epoch); null: no TURN'),
  })
  .strict();

export type IceServerInit = z.output<typeof iceServerSchema>;
export type IceServersReply = z.output<typeof iceServersReply>;
