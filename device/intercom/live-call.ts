/** The state of the call in progress, shared by the intercom and its message handlers. */
import type { EndReason } from '../../cloud-sync/protocol/calls.ts';
import type { IceCandidate } from '../../cloud-sync/protocol/ice.ts';

/** One app device in the call: its own WebRTC peer in the media engine. */
export interface Peer {
  readonly appDeviceId: string;
  readonly residentId: string;
  readonly peerId: string;
  /** Whether the offer went out: the panel's trickled candidates wait here until it has. */
  offerSent?: boolean;
  pendingCandidates?: IceCandidate[];
}

export interface LiveCall {
  readonly callId: string;
  readonly bellId: string;
  readonly bellText: string;
  readonly doorId: string | null;
  readonly ringTimeoutS: number;
  /** Wall time (ms). */
  readonly startedAt: number;
  readonly ringUntil: number;
  /** App devices still in the call: ringing, or the one that answered. */
  readonly peers: Map<string, Peer>;
  readonly snapshot: Promise<string | null>;
  answeredBy?: { residentId: string; appDeviceId: string };
  /** The phone leg, while there is one: dialing, ringing at the callee, or connected. */
  phone?: { residentId: string; state: 'dialing' | 'ringing' | 'connected' } | undefined;
  /** The door the answering resident opened (app or phone digit), for the screen. */
  doorOpened?: { id: string; name: string };
  /** Set by whoever ends the call on purpose; otherwise derived from the router's outcome. */
  endReason?: EndReason;
}

/** Media engine peer ids are per call and device, so a late answer cannot reach a newer call's peer. */
export function peerIdOf(callId: string, appDeviceId: string): string {
  return `${callId}:${appDeviceId}`;
}
