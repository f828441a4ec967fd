/**
 * The doorbell routing vocabulary: who a bell rings, how, and what can happen to a call. Kept free of
 * media and transport, so routing is decided (and tested) on its own, with fake time.
 */
import type { StopReason } from '../../cloud-sync/protocol/calls.ts';
import type { BellType } from '../../cloud-sync/protocol/directory.ts';
import type { CALL_OUTCOMES } from '../../cloud-sync/protocol/panel-api.ts';
import type { AuditEventType, AuditPayloads } from '../audit/types.ts';

/** A resident a bell may ring, as the synced directory describes them at ring time. */
export interface Callee {
  residentId: string;
  /** App devices the resident is logged in on; none means the fallback (a phone call) reaches them. */
  devices: readonly string[];
  /** Hidden residents are skipped by sequential bells (and are not shown on the panel). */
  hidden: boolean;
  /** Sequential bells: how long this resident rings before the next one (seconds). */
  ringS?: number | undefined;
  /** E.164; the phone fallback dials it when the resident has no app device (or their step says phone). */
  phone?: string | null | undefined;
  /** Sequential bells: 'phone' rings this step on the resident's phone even when they have the app. */
  via?: 'app' | 'phone' | undefined;
}

export interface BellTarget {
  bellId: string;
  type: BellType;
  /** In ringing order for sequential bells; the reception group for business bells. */
  callees: readonly Callee[];
  /** How long a call rings in all before it ends unanswered (seconds). */
  ringTimeoutS: number;
  /** Default per-step ring time of sequential bells (seconds). */
  stepS: number;
}

export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** How one phone leg ended, as the router needs it (device/phone/types.ts has the full vocabulary). */
export type PhoneLegOutcome = 'answered' | 'busy' | 'declined' | 'no_answer' | 'failed' | 'cancelled';

/** What the router asks of the call signaling (MQTT to app devices). */
export interface Ringer {
  ring(callId: string, residentId: string, devices: readonly string[]): void;
  stopRinging(callId: string, residentId: string, reason: StopReason): void;
}

/**
 * The phone fallback as the router drives it: one phone leg at a time per call. The leg reports back
 * through the router's `phoneAnswered` and `phoneEnded`, never from inside `dial`; `end` cancels or hangs
 * it up (no report follows).
 */
export interface PhoneRinger {
  dial(callId: string, callee: Callee, ringS: number): void;
  end(callId: string): void;
}

/** Every call step is an audit event. */
export type CallAudit = <T extends CallEventType>(type: T, data: AuditPayloads[T]) => void;

export type CallEventType = Extract<AuditEventType, `call.${string}`>;
