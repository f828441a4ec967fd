/**
 * Messages between MediaEngine (in the panel process) and the media worker (media-worker.ts, a thread
 * or a child process). Requests are validated on both sides with the same schemas: by the engine, to answer a bad
 * call at once, and by the media worker, because a message it cannot understand must get an error
 * answer rather than crash it.
 */
import { z } from 'zod';
import { type IceCandidate, iceCandidateFields } from '../../cloud-sync/protocol/ice.ts';
import type { VideoCodec } from '../../hal/camera/types.ts';
import { MAX_PROMPT_BYTES, phoneMediaRemoteSchema } from '../phone/media/remote-schema.ts';
import type { PhoneLegStats } from '../phone/media/rtp-leg.ts';
import type { DtmfSource, DtmfSymbol } from '../phone/types.ts';

export const peerIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:@-]{1,128}$/, 'must be 1-128 chars of A-Z, a-z, 0-9 and _ . : @ -');

/**
 * A remote candidate handed to the engine: the signaling's bounds (ice.ts), but as lenient in shape as
 * RTCIceCandidateInit (media id and line index may be missing, a usernameFragment is allowed, other keys
 * are dropped). The worker checks it further before werift sees it (signaling.ts).
 */
export const candidateSchema = z
  .object({
    candidate: iceCandidateFields.candidate.min(1),
    sdpMid: iceCandidateFields.sdpMid.nullish(),
    sdpMLineIndex: iceCandidateFields.sdpMLineIndex.nullish(),
    usernameFragment: z.string().max(256).nullish(),
  })
  .strip();

export type CandidateInit = z.infer<typeof candidateSchema>;

/**
 * The phone leg's prompt: the PCM itself (8 kHz S16LE, base64) or a file of it the panel made (the
 * prompt cache). A path is absolute and plain, so a request cannot wander the file system with `..`.
 */
export const phonePromptSchema = z.union([
  z.object({ pcmBase64: z.base64().max(Math.ceil(MAX_PROMPT_BYTES / 3) * 4) }).strict(),
  z
    .object({
      file: z
        .string()
        .max(4096)
        .regex(/^\/[A-Za-z0-9_./-]+$/, 'must be an absolute path of A-Z, a-z, 0-9 and _ . / -')
        .refine((p) => !p.split('/').includes('..'), 'must not contain ..'),
    })
    .strict(),
]);
export type PhonePromptSource = z.infer<typeof phonePromptSchema>;

export const requestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('open-peer'), peerId: peerIdSchema, video: z.boolean() }).strict(),
  z
    .object({ type: z.literal('accept-answer'), peerId: peerIdSchema, sdp: z.string().min(1).max(100_000) })
    .strict(),
  z.object({ type: z.literal('add-candidate'), peerId: peerIdSchema, candidate: candidateSchema }).strict(),
  z.object({ type: z.literal('set-video'), peerId: peerIdSchema, enabled: z.boolean() }).strict(),
  z.object({ type: z.literal('set-talker'), peerId: peerIdSchema.nullable() }).strict(),
  z.object({ type: z.literal('close-peer'), peerId: peerIdSchema }).strict(),
  z.object({ type: z.literal('stats') }).strict(),
  /** The phone fallback's RTP leg (device/phone/media/rtp-leg.ts), keyed by the intercom's call id. */
  z.object({ type: z.literal('phone.open'), callId: peerIdSchema }).strict(),
  z
    .object({
      type: z.literal('phone.start'),
      callId: peerIdSchema,
      remote: phoneMediaRemoteSchema,
      prompt: phonePromptSchema.optional(),
    })
    .strict(),
  z.object({ type: z.literal('phone.close'), callId: peerIdSchema }).strict(),
  /** Installer self-test: the microphone's level over the last 300 ms (mic-meter.ts). */
  z.object({ type: z.literal('mic-level') }).strict(),
  /** Installer self-test: a tone as PCMU to the speaker pipeline (switched to PCMU by the engine). */
  z
    .object({
      type: z.literal('speaker-tone'),
      hz: z.number().int().min(100).max(4000),
      ms: z.number().int().min(100).max(3000),
    })
    .strict(),
  /** Closes every peer (DTLS close, so viewers hang up at once) before the worker is terminated. */
  z.object({ type: z.literal('shutdown') }).strict(),
]);

export type MediaRequest = z.infer<typeof requestSchema>;
export type RequestEnvelope = MediaRequest & { id: number };

export type PeerState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

export interface IceServer {
  urls: string;
  username?: string;
  credential?: string;
}

/** The environment variable that carries the WorkerInit (JSON) to the media process. */
export const MEDIA_INIT_ENV = 'PORTVAKT_MEDIA_INIT';

/**
 * `thread`: werift runs in a worker thread of the panel process. One Node runtime instead of two: the
 * whole idle panel takes ~45 MB less (panel_total_idle_rss_mb), its JavaScript heap is capped
 * (MEDIA_THREAD_LIMITS) so a leak ends the thread, not the panel, and the thread runs at a lower
 * priority of its own. `process`: a child process, so that even a native fault in the media path
 * (Node's crypto or UDP code under SRTP) cannot end the process that drives the doors, at the cost of
 * that second runtime.
 */
export const MEDIA_ISOLATIONS = ['thread', 'process'] as const;
export type MediaIsolation = (typeof MEDIA_ISOLATIONS)[number];

/** What a media thread gets as its workerData. */
export interface MediaThreadData {
  init: WorkerInit;
  /** The thread's own priority (Linux nice values are per thread); undefined: the panel's. */
  priority: number | undefined;
}

/** Everything the media worker needs, as JSON. */
export interface WorkerInit {
  codec: VideoCodec;
  video: { rtpPort: number; rtcpPort: number; ssrc: number };
  audio: { rtpPort: number };
  speaker: { rtpPort: number; payloadType: number; ssrc: number };
  /** The phone leg: where its socket binds, and the port the camera pipeline sends 8 kHz L16 mic RTP to. */
  phone: { bindAddress: string; micRtpPort: number };
  keyframeMinIntervalMs: number;
  loopbackOnly: boolean;
  iceServers: IceServer[];
  gatherTimeoutMs: number;
  /** Peers (with their offers) kept ready before anybody rings; see spare-peers.ts. */
  sparePeers: number;
}

export interface PeerStats {
  peerId: string;
  state: PeerState;
  video: boolean;
  videoPacketsSent: number;
  audioPacketsSent: number;
  audioPacketsReceived: number;
}

export interface WorkerStats {
  ingress: { videoPackets: number; audioPackets: number; malformed: number; sourceChanges: number };
  keyframes: {
    requested: { 'peer-connected': number; 'video-resumed': number; pli: number; fir: number };
    sent: number;
  };
  talker: string | null;
  speakerPacketsSent: number;
  phone: {
    /** L16 microphone packets from the camera pipeline; dropped while no phone leg is started. */
    micPackets: number;
    legs: Array<{ callId: string; started: boolean } & PhoneLegStats>;
  };
  /** Peers ready for the next ring. */
  sparePeers: number;
  /**
   * UDP sockets open in the media worker (RTP ingress, speaker, one per peer's ICE transport): a
   * figure that grows call after call is a leak that ends in "too many open files".
   */
  udpSockets: number;
  peers: PeerStats[];
}

export interface SerializedError {
  name: string;
  code: string;
  message: string;
  issues?: readonly string[];
}

export type WorkerMessage =
  | { kind: 'ready' }
  | { kind: 'init-failed'; error: SerializedError }
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: SerializedError }
  | { kind: 'peer-state'; peerId: string; state: PeerState }
  | { kind: 'phone-digit'; callId: string; digit: DtmfSymbol; source: DtmfSource }
  /** A candidate of a trickled offer (null: end-of-candidates), for the far end. */
  | { kind: 'local-candidate'; peerId: string; candidate: IceCandidate | null }
  | { kind: 'warning'; message: string };
