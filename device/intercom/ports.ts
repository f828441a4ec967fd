/**
 * What the intercom needs from the rest of the panel, as small ports: the synced directory, the media
 * engine (werift runs in its own child process), the broker link for call signaling and the doors. Each
 * has a real implementation elsewhere; tests plug in their own real, small ones.
 */

import type { Ringtone } from '../../cloud-sync/protocol/calls.ts';
import type { IceCandidate } from '../../cloud-sync/protocol/ice.ts';
import type { SafeEmitter } from '../../lib/events.ts';
import type { BellTarget, PhoneLegOutcome } from './types.ts';

/** A bell as the router needs it, plus what the signaling shows and which door a call may open. */
export interface BellRing {
  target: BellTarget;
  bellText: string;
  /** The door a resident in the call may open; null when the bell has none. */
  doorId: string | null;
}

export interface IntercomDirectory {
  /** Throws NotFoundError for an unknown bell. */
  bellRing(bellId: string, now: number): BellRing;
  /** The resident an app device belongs to; undefined for a device the directory does not know. */
  appDeviceOwner(appDeviceId: string): string | undefined;
  ringtoneOf(residentId: string): Ringtone;
}

export type MediaEvents = {
  /** The camera pipeline failed for good: calls end with media_failed. */
  'source-failed': { reason: string };
  /** One of the panel's ICE candidates for a peer whose offer went out before gathering ended; null: done. */
  'local-candidate': { peerId: string; candidate: IceCandidate | null };
};

export interface IntercomMedia {
  readonly events: SafeEmitter<MediaEvents>;
  /** The panel offers; candidates gathered after the offer follow as 'local-candidate' events. */
  openPeer(peerId: string, options: { video: boolean }): Promise<{ sdp: string }>;
  acceptAnswer(peerId: string, sdp: string): Promise<void>;
  addRemoteCandidate(peerId: string, candidate: IceCandidate): Promise<void>;
  /** false: that peer gets no video packets at all (audio only). */
  setVideo(peerId: string, enabled: boolean): Promise<void>;
  /**
   * The device that answered: only its audio reaches the speaker, and only it gets the panel's
   * microphone (rung devices see the visitor but hear nothing before the answer); undefined: nobody.
   */
  setTalker(peerId: string | undefined): Promise<void>;
  closePeer(peerId: string): Promise<void>;
  /** The newest visitor picture as a JPEG, if the camera has one. */
  snapshot(): Promise<Buffer | undefined>;
}

/** Opens the call's door after recording the positive decision; never throws. */
export interface CallDoorOpener {
  openForCall(
    doorId: string,
    by: { residentId: string; appDeviceId: string; callId: string },
  ): { ok: true } | { ok: false; reason: string };
  /** The callee on the phone pressed an open digit. */
  openForPhone(
    doorId: string,
    by: { residentId: string; callId: string; digit: string; source: 'rfc4733' | 'sip-info' | 'inband' },
  ): { ok: true } | { ok: false; reason: string };
}

/** How a phone leg is going, told back to the intercom (which tells the router and the screen). */
export interface PhoneLegReport {
  ringing(): void;
  answered(): void;
  /** The callee's digit opened the call's door (the screen says which). */
  doorOpened(): void;
  ended(outcome: PhoneLegOutcome): void;
}

/** One phone leg of a visitor's call, to one resident's number. */
export interface PhoneLegRequest {
  callId: string;
  residentId: string;
  number: string;
  /** How long it may ring before it counts as unanswered (seconds). */
  ringS: number;
  /** The door a digit may open; null: none (digits then open nothing). */
  doorId: string | null;
}

/** The phone fallback (device/phone/): dials, plays the prompt, opens the door on the digit. */
export interface IntercomPhone {
  /** Never throws; a leg that cannot be placed reports `ended('failed')`. */
  dial(request: PhoneLegRequest, report: PhoneLegReport): void;
  /** The router gave up on the leg (or the visitor left): cancel or hang up; no report follows. */
  end(callId: string): void;
}

/** The broker side of call signaling (the sync link, when cloud sync runs). */
export type { CallLink, CallLinkEvents } from '../../cloud-sync/agent/link.ts';
