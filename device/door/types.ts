/** The door controller's public surface, shared with the access module, the API and the UI stream. */

export type UnlockKind = 'access' | 'exit_button' | 'api' | 'command' | 'intercom' | 'home_assistant';
export const UNLOCK_KINDS: readonly UnlockKind[] = [
  'access',
  'exit_button',
  'api',
  'command',
  'intercom',
  'home_assistant',
];

export interface UnlockCause {
  kind: UnlockKind;
  /**
   * Seq of the audit event in which the caller recorded its positive decision (access.granted,
   * api.unlock_requested, ...). Required: an unlock nobody decided on must not reach the relay.
   */
  eventSeq: number;
  /** Pulse length; clamped to the protocol's bounds (door-pulse.ts). Defaults to the door's pulseMs. */
  ms?: number;
}

export interface UnlockResult {
  /** Seq of the `door.unlocked` event written for this unlock. */
  seq: number;
  /** The clamped pulse length that was applied. */
  pulseMs: number;
  /** Wall time (ms since epoch) at which the door relocks unless extended again. */
  unlockedUntil: number;
  /** True when the door was already unlocked and this call extended the pulse. */
  extended: boolean;
}

/**
 * An unlock whose `door.unlocked` row is written but not yet committed: `drive` moves the relay and may be
 * called only once the transaction holding that row has committed.
 */
export interface PreparedUnlock {
  drive(): UnlockResult;
}

import type { DoorState } from './door-state.ts';

export type { DoorAlarm, DoorState } from './door-state.ts';

export type DoorControllerEvents = { change: DoorState };
