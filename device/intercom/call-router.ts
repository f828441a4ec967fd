/**
 * Doorbell routing: one call at a time per panel, rung the way the bell's type says.
 *  - separate, parallel, family, business: every callee with an app device rings at once; the first to
 *    answer takes the call and the others stop ("answered elsewhere"); when all have declined, the call
 *    ends declined. Callees logged in to no app device are phoned meanwhile, one after another (one
 *    phone leg per panel: it has one microphone and one speaker).
 *  - sequential: visible callees ring one after another, each for their own ring time, on their app — or
 *    on their phone when their step says so or they have no app device; hidden residents are skipped; a
 *    decline (or a busy phone) moves on to the next.
 * Nobody reachable (no app device, no phone number) ends the call at once. Every step is recorded
 * through the audit sink. Time comes from the injected clock.
 */
import type { StopReason } from '../../cloud-sync/protocol/calls.ts';
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import type {
  BellTarget,
  CallAudit,
  Callee,
  CallOutcome,
  PhoneLegOutcome,
  PhoneRinger,
  Ringer,
} from './types.ts';

export interface CallRouterOptions {
  clock: Clock;
  ringer: Ringer;
  phone: PhoneRinger;
  audit: CallAudit;
  newCallId: () => string;
  /** Told once per call when it ends, after its `call.ended` record (media and signaling clean up). */
  onEnded?: (callId: string, outcome: CallOutcome) => void;
}

interface Step {
  callee: Callee;
  by: 'app' | 'phone';
}

interface ActiveCall {
  readonly id: string;
  readonly bell: BellTarget;
  readonly ringing: Set<string>;
  /** Sequential bells: the steps still to ring, in order. */
  readonly queue: Step[];
  /** Other bells: callees without an app device, phoned one after another. */
  readonly phoneQueue: Callee[];
  /** The phone leg in progress. */
  phone?: { residentId: string; answered: boolean } | undefined;
  /** How the last phone leg that did not connect ended (the call's outcome if nothing else comes). */
  lastPhoneOutcome?: CallOutcome;
  answeredBy?: { residentId: string; deviceId: string; at: number };
  stepTimer?: TimerHandle | undefined;
  timeoutTimer?: TimerHandle | undefined;
}

export type RingResult = { ok: true; callId: string } | { ok: false; reason: 'busy' | 'nobody_to_ring' };

/** The device id an answer by phone is recorded with. */
export const PHONE_DEVICE = 'phone';

export class CallRouter {
  readonly #o: CallRouterOptions;
  #call: ActiveCall | undefined;

  constructor(options: CallRouterOptions) {
    this.#o = options;
  }

  /** The call in progress, if any: for the panel's screen and the signaling layer. */
  current():
    | { callId: string; bellId: string; ringing: string[]; answeredBy?: string; phone?: string }
    | undefined {
    const c = this.#call;
    if (!c) return undefined;
    return {
      callId: c.id,
      bellId: c.bell.bellId,
      ringing: [...c.ringing],
      ...(c.answeredBy ? { answeredBy: c.answeredBy.residentId } : {}),
      ...(c.phone ? { phone: c.phone.residentId } : {}),
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
    const call: ActiveCall = {
      id: this.#o.newCallId(),
      bell,
      ringing: new Set(),
      queue: [],
      phoneQueue: [],
    };
    this.#call = call;
    this.#o.audit('call.started', { callId: call.id, bellId: bell.bellId, type: bell.type });
    if (bell.type === 'sequential') call.queue.push(...sequentialSteps(eligible));
    const apps = bell.type === 'sequential' ? [] : eligible.filter((c) => c.devices.length > 0);
    if (bell.type !== 'sequential')
      call.phoneQueue.push(...eligible.filter((c) => !c.devices.length && c.phone));
    if (call.queue.length + apps.length + call.phoneQueue.length === 0) {
      this.#end(call, 'no_app_device');
      return { ok: true, callId: call.id };
    }
    call.timeoutTimer = this.#o.clock.setTimeout(() => this.#noAnswer(call), bell.ringTimeoutS * 1000);
    if (bell.type === 'sequential') this.#ringNext(call);
    else {
      for (const callee of apps) this.#startRinging(call, callee);
      this.#dialNextPhone(call);
    }
    return { ok: true, callId: call.id };
  }

  /** A resident's device answered. False when that resident is not being rung on this call. */
  answer(callId: string, residentId: string, deviceId: string): boolean {
    const call = this.#call;
    if (!call || call.id !== callId || !call.ringing.has(residentId)) return false;
    call.ringing.delete(residentId);
    this.#connect(call, residentId, deviceId);
    this.#endPhone(call);
    this.#o.audit('call.answered', { callId, residentId, deviceId });
    return true;
  }

  /** The phone leg was answered (the fallback recorded `call.phone_answered`). */
  phoneAnswered(callId: string, residentId: string): boolean {
    const call = this.#call;
    if (!call || call.id !== callId || call.phone?.residentId !== residentId || call.phone.answered)
      return false;
    call.phone.answered = true;
    this.#connect(call, residentId, PHONE_DEVICE);
    return true;
  }

  /** The phone leg ended on its own (hung up, busy, declined, unanswered, failed). */
  phoneEnded(callId: string, residentId: string, outcome: PhoneLegOutcome): boolean {
    const call = this.#call;
    if (!call || call.id !== callId || call.phone?.residentId !== residentId) return false;
    const answered = call.phone.answered;
    call.phone = undefined;
    if (answered) return this.hangUp(callId);
    call.lastPhoneOutcome = outcome === 'cancelled' ? 'no_answer' : outcome;
    if (call.bell.type === 'sequential') {
      this.#o.clock.clearTimeout(call.stepTimer);
      this.#ringNext(call);
    } else this.#dialNextPhone(call);
    return true;
  }

  /** A rung resident declined. False when that resident is not being rung on this call. */
  decline(callId: string, residentId: string): boolean {
    const call = this.#call;
    if (!call || call.id !== callId || !call.ringing.has(residentId)) return false;
    call.ringing.delete(residentId);
    this.#o.ringer.stopRinging(callId, residentId, 'declined');
    this.#o.audit('call.declined', { callId, residentId });
    call.lastPhoneOutcome = 'declined';
    if (call.bell.type === 'sequential') {
      this.#o.clock.clearTimeout(call.stepTimer);
      this.#ringNext(call);
    } else this.#endIfNobodyLeft(call);
    return true;
  }

  /** The visitor walked away (cancel on the panel), or hung up an answered call. */
  cancel(callId: string): boolean {
    const call = this.#call;
    if (!call || call.id !== callId) return false;
    if (call.answeredBy) return this.hangUp(callId);
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

  #connect(call: ActiveCall, residentId: string, deviceId: string): void {
    this.#clearTimers(call);
    this.#stopAll(call, 'answered_elsewhere');
    call.queue.length = 0;
    call.phoneQueue.length = 0;
    call.answeredBy = { residentId, deviceId, at: this.#o.clock.monotonic() };
  }

  #ringNext(call: ActiveCall): void {
    const next = call.queue.shift();
    if (!next) {
      this.#finishUnanswered(call);
      return;
    }
    const stepMs = (next.callee.ringS ?? call.bell.stepS) * 1000;
    call.stepTimer = this.#o.clock.setTimeout(() => {
      if (this.#call !== call) return;
      const residentId = next.callee.residentId;
      if (next.by === 'phone') {
        if (call.phone?.residentId !== residentId) return;
        this.#endPhone(call);
      } else {
        if (!call.ringing.delete(residentId)) return;
        this.#o.ringer.stopRinging(call.id, residentId, 'next_resident');
        this.#o.audit('call.ring_stopped', { callId: call.id, residentId, reason: 'next_resident' });
      }
      call.lastPhoneOutcome = 'no_answer';
      this.#ringNext(call);
    }, stepMs);
    if (next.by === 'phone') this.#dial(call, next.callee, stepMs / 1000, 'phone_step');
    else this.#startRinging(call, next.callee);
  }

  #dialNextPhone(call: ActiveCall): void {
    if (call.phone) return;
    const next = call.phoneQueue.shift();
    if (next) this.#dial(call, next, call.bell.ringTimeoutS, 'no_app_device');
    else this.#endIfNobodyLeft(call);
  }

  #dial(call: ActiveCall, callee: Callee, ringS: number, why: 'no_app_device' | 'phone_step'): void {
    call.phone = { residentId: callee.residentId, answered: false };
    this.#o.audit('call.fallback', {
      callId: call.id,
      bellId: call.bell.bellId,
      residentIds: [callee.residentId],
      why,
    });
    this.#o.phone.dial(call.id, callee, ringS);
  }

  /** Ends a phone leg the router gives up on (answered elsewhere, next step, timeout, the call ended). */
  #endPhone(call: ActiveCall): void {
    if (!call.phone) return;
    call.phone = undefined;
    this.#o.phone.end(call.id);
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

  /** Parallel-type bells: the call ends when nobody rings any more and no phone is left to try. */
  #endIfNobodyLeft(call: ActiveCall): void {
    if (this.#call !== call || call.ringing.size > 0 || call.phone || call.phoneQueue.length > 0) return;
    this.#finishUnanswered(call);
  }

  #finishUnanswered(call: ActiveCall): void {
    if (this.#call !== call) return;
    this.#end(call, call.lastPhoneOutcome ?? 'no_answer');
  }

  #noAnswer(call: ActiveCall): void {
    if (this.#call !== call) return;
    this.#stopAll(call, 'timeout');
    this.#end(call, 'no_answer');
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
    this.#endPhone(call);
    this.#o.audit('call.ended', { callId: call.id, bellId: call.bell.bellId, outcome, ...extra });
    this.#o.onEnded?.(call.id, outcome);
  }
}

/** A sequential bell's steps: app where the resident has one (unless their step says phone), else phone. */
function sequentialSteps(callees: readonly Callee[]): Step[] {
  const steps: Step[] = [];
  for (const callee of callees) {
    const hasApp = callee.devices.length > 0;
    if (callee.phone && (callee.via === 'phone' || !hasApp)) steps.push({ callee, by: 'phone' });
    else if (hasApp) steps.push({ callee, by: 'app' });
  }
  return steps;
}
