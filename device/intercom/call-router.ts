/**
 * Doorbell routing: one call at a time per panel, rung the way the bell's type says.
 *  - separate, parallel, family, business: every callee with an app device rings at once; the first to
 *    answer takes the call and the others stop ("answered elsewhere"); when all have declined, the call
 *    ends declined.
 *  - sequential: visible callees ring one after another, each for their own ring time; hidden residents
 *    are skipped; a decline moves on to the next.
 * Nobody with an app device, or nobody answering in time, hands the call over to the fallback (a phone
 * call). Every step is recorded through the audit sink. Time comes from the injected clock.
 */
import type { StopReason } from '../../cloud-sync/protocol/calls.ts';
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import type { BellTarget, CallAudit, Callee, CallFallback, CallOutcome, Ringer } from './types.ts';

export interface CallRouterOptions {
  clock: Clock;
  ringer: Ringer;
  fallback: CallFallback;
  audit: CallAudit;
  newCallId: () => string;
  /** Told once per call when it ends, after its `call.ended` record (media and signaling clean up). */
  onEnded?: (callId: string, outcome: CallOutcome) => void;
}

interface ActiveCall {
  readonly id: string;
  readonly bell: BellTarget;
  readonly ringing: Set<string>;
  /** Sequential bells: who is still to ring, in order. */
  readonly queue: Callee[];
  answeredBy?: { residentId: string; deviceId: string; at: number };
  stepTimer?: TimerHandle | undefined;
  timeoutTimer?: TimerHandle | undefined;
}

export type RingResult = { ok: true; callId: string } | { ok: false; reason: 'busy' | 'nobody_to_ring' };

export class CallRouter {
  readonly #o: CallRouterOptions;
  #call: ActiveCall | undefined;

  constructor(options: CallRouterOptions) {
    this.#o = options;
  }

  /** The call in progress, if any: for the panel's screen and the signaling layer. */
  current(): { callId: string; bellId: string; ringing: string[]; answeredBy?: string } | undefined {
    const c = this.#call;
    if (!c) return undefined;
    return {
      callId: c.id,
      bellId: c.bell.bellId,
      ringing: [...c.ringing],
      ...(c.answeredBy ? { answeredBy: c.answeredBy.residentId } : {}),
    };
  }

  /** Whether this resident is being rung on this call now (messages from anyone else are refused). */
  isRinging(callId: string, residentId: string): boolean {
    return this.#call?.id === callId && this.#call.ringing.has(residentId);
  }

  /** A visitor pressed a bell. A second visitor while a call is in progress is told the panel is busy. */
  ring(bell: BellTarget): RingResult {
    if (this.#call) {
      this.#o.audit('call.busy', { bellId: bell.bellId, activeCallId: this.#call.id });
      return { ok: false, reason: 'busy' };
    }
    const eligible = bell.type === 'sequential' ? bell.callees.filter((c) => !c.hidden) : [...bell.callees];
    if (eligible.length === 0) return { ok: false, reason: 'nobody_to_ring' };
    const call: ActiveCall = { id: this.#o.newCallId(), bell, ringing: new Set(), queue: [] };
    this.#call = call;
    this.#o.audit('call.started', { callId: call.id, bellId: bell.bellId, type: bell.type });
    const reachable = eligible.filter((c) => c.devices.length > 0);
    if (reachable.length === 0) {
      this.#handOver(call, eligible, 'no_app_device');
      return { ok: true, callId: call.id };
    }
    call.timeoutTimer = this.#o.clock.setTimeout(() => this.#noAnswer(call), bell.ringTimeoutS * 1000);
    if (bell.type === 'sequential') {
      call.queue.push(...reachable);
      this.#ringNext(call);
    } else {
      for (const callee of reachable) this.#startRinging(call, callee);
    }
    return { ok: true, callId: call.id };
  }

  /** A resident's device answered. False when that resident is not being rung on this call. */
  answer(callId: string, residentId: string, deviceId: string): boolean {
    const call = this.#call;
    if (!call || call.id !== callId || !call.ringing.has(residentId)) return false;
    call.ringing.delete(residentId);
    this.#clearTimers(call);
    this.#stopAll(call, 'answered_elsewhere');
    call.queue.length = 0;
    call.answeredBy = { residentId, deviceId, at: this.#o.clock.monotonic() };
    this.#o.audit('call.answered', { callId, residentId, deviceId });
    return true;
  }

  /** A rung resident declined. False when that resident is not being rung on this call. */
  decline(callId: string, residentId: string): boolean {
    const call = this.#call;
    if (!call || call.id !== callId || !call.ringing.has(residentId)) return false;
    call.ringing.delete(residentId);
    this.#o.ringer.stopRinging(callId, residentId, 'declined');
    this.#o.audit('call.declined', { callId, residentId });
    if (call.bell.type === 'sequential') {
      this.#o.clock.clearTimeout(call.stepTimer);
      // A decline is an answer: the last one ends the call rather than handing it to the phone.
      if (call.queue.length === 0) this.#end(call, 'declined');
      else this.#ringNext(call);
    } else if (call.ringing.size === 0) this.#end(call, 'declined');
    return true;
  }

  /** The visitor walked away (cancel on the panel), or hung up an answered call. */
  cancel(callId: string): boolean {
    const call = this.#call;
    if (!call || call.id !== callId) return false;
    if (call.answeredBy) return this.hangUp(callId);
    this.#clearTimers(call);
    this.#stopAll(call, 'cancelled');
    this.#end(call, 'cancelled');
    return true;
  }

  /** Either side ended an answered call. */
  hangUp(callId: string): boolean {
    const call = this.#call;
    if (!call || call.id !== callId || !call.answeredBy) return false;
    this.#end(call, 'answered', { durationMs: this.#o.clock.monotonic() - call.answeredBy.at });
    return true;
  }

  #ringNext(call: ActiveCall): void {
    const next = call.queue.shift();
    if (!next) {
      this.#noAnswer(call);
      return;
    }
    this.#startRinging(call, next);
    const stepMs = (next.ringS ?? call.bell.stepS) * 1000;
    call.stepTimer = this.#o.clock.setTimeout(() => {
      if (this.#call !== call || !call.ringing.delete(next.residentId)) return;
      this.#o.ringer.stopRinging(call.id, next.residentId, 'next_resident');
      this.#o.audit('call.ring_stopped', {
        callId: call.id,
        residentId: next.residentId,
        reason: 'next_resident',
      });
      this.#ringNext(call);
    }, stepMs);
  }

  #startRinging(call: ActiveCall, callee: Callee): void {
    call.ringing.add(callee.residentId);
    this.#o.ringer.ring(call.id, callee.residentId, callee.devices);
    this.#o.audit('call.ringing', {
      callId: call.id,
      residentId: callee.residentId,
      devices: callee.devices.length,
    });
  }

  #noAnswer(call: ActiveCall): void {
    if (this.#call !== call) return;
    this.#clearTimers(call);
    this.#stopAll(call, 'timeout');
    const visible = call.bell.callees.filter((c) => call.bell.type !== 'sequential' || !c.hidden);
    this.#handOver(call, visible, 'no_answer');
  }

  #handOver(call: ActiveCall, callees: readonly Callee[], why: 'no_answer' | 'no_app_device'): void {
    const residentIds = callees.map((c) => c.residentId);
    this.#o.audit('call.fallback', { callId: call.id, bellId: call.bell.bellId, residentIds, why });
    this.#end(call, why);
    this.#o.fallback.handOver(call.id, call.bell.bellId, residentIds, why);
  }

  #stopAll(call: ActiveCall, reason: StopReason): void {
    for (const residentId of call.ringing) {
      this.#o.ringer.stopRinging(call.id, residentId, reason);
      this.#o.audit('call.ring_stopped', { callId: call.id, residentId, reason });
    }
    call.ringing.clear();
  }

  #clearTimers(call: ActiveCall): void {
    this.#o.clock.clearTimeout(call.stepTimer);
    this.#o.clock.clearTimeout(call.timeoutTimer);
    call.stepTimer = undefined;
    call.timeoutTimer = undefined;
  }

  #end(call: ActiveCall, outcome: CallOutcome, extra: Record<string, unknown> = {}): void {
    this.#clearTimers(call);
    if (this.#call === call) this.#call = undefined;
    this.#o.audit('call.ended', { callId: call.id, bellId: call.bell.bellId, outcome, ...extra });
    this.#o.onEnded?.(call.id, outcome);
  }
}
