/**
 * The phone fallback's vocabulary, shared by its three parts: the SIP dialer (signaling, sip.js through
 * the SIP edge), the phone media leg (plain RTP with G.711 and RFC 4733, hosted by the media process) and
 * the fallback that joins them to the call router and the door. Kept free of sip.js and sockets, so each
 * part is built and tested against the others' contracts.
 */
import type { SafeEmitter } from '../../lib/events.ts';

/** DTMF symbols as RFC 4733 numbers events 0–15. */
export const DTMF_DIGITS = [
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  '*',
  '#',
  'A',
  'B',
  'C',
  'D',
] as const;
export type DtmfSymbol = (typeof DTMF_DIGITS)[number];

/** How a digit reached the panel: RTP telephone-event, SIP INFO, or a tone in the audio itself. */
export type DtmfSource = 'rfc4733' | 'sip-info' | 'inband';

export interface DtmfDigit {
  digit: DtmfSymbol;
  source: DtmfSource;
}

export type G711Codec = 'pcmu' | 'pcma';

/** Where the answer says to send media, and how. */
export interface PhoneMediaRemote {
  address: string;
  port: number;
  codec: G711Codec;
  /** The answer's telephone-event/8000 payload type; null when the phone offered none. */
  telephoneEventPt: number | null;
}

export type PhoneMediaEvents = {
  /** A digit from the media: RFC 4733 events (one per event, at its end) or in-band tones (Goertzel). */
  digit: DtmfDigit;
};

/**
 * The RTP side of one phone call, as the SIP session description handler needs it: a local port for the
 * offer, the answer's remote to start sending to, and close. While started it sends the prompt, then the
 * visitor's microphone, as G.711; the phone's audio goes to the panel's speaker.
 */
export interface PhoneMediaLeg {
  readonly local: { address: string; port: number };
  readonly events: SafeEmitter<PhoneMediaEvents>;
  /** Begins media with the answered remote; the prompt (if any) plays first. Called once. */
  start(remote: PhoneMediaRemote, prompt?: PhonePrompt): void;
  close(): Promise<void>;
}

/** A prompt for the callee: 8 kHz mono signed 16-bit little-endian PCM. */
export interface PhonePrompt {
  pcm: Buffer;
}

export interface PhoneMediaFactory {
  /** A leg bound to a fresh local port (the address the SDP advertises). */
  open(callId: string): Promise<PhoneMediaLeg>;
}

/** How a phone call ended. `answered` = it was answered, then either side hung up. */
export type PhoneOutcome = 'answered' | 'busy' | 'declined' | 'no_answer' | 'failed' | 'cancelled';

export interface PhoneCallRequest {
  /** The intercom's call id (audit rows of both legs share it). */
  callId: string;
  /** E.164, e.g. "+46701234567". */
  number: string;
  /** Caller display (the building's name). */
  displayName: string;
  /** No final answer in this long → `no_answer` (the INVITE is cancelled). */
  ringTimeoutS: number;
  /** An answered call is hung up after this long. */
  maxCallS: number;
}

export type PhoneCallEvents = {
  /** 180 Ringing, or 183 Session Progress (early media). */
  ringing: { early: boolean };
  answered: Record<string, never>;
  /** A digit by SIP INFO (application/dtmf-relay or application/dtmf). */
  digit: DtmfDigit;
  /** Once per call. `sipStatus` is the final non-2xx response, where there was one. */
  ended: { outcome: PhoneOutcome; reason: string; sipStatus?: number; durationMs?: number };
};

export interface PhoneCall {
  readonly events: SafeEmitter<PhoneCallEvents>;
  /** The visitor walked away: CANCEL while ringing, BYE once answered. Idempotent. */
  end(): void;
}

export interface PhoneDialer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Places a call. Failures (edge down, refused) end the call with `failed`; this never throws. */
  dial(request: PhoneCallRequest, media: PhoneMediaLeg, prompt?: PhonePrompt): PhoneCall;
}
