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
