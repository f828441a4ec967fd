/**
 * The visitor's call as the page drives it: ringing a bell, hanging up, and the screens a call moves
 * through — the call screen while the panel's call rings or is connected (whoever started it), then the
 * outcome screen with how it ended (from the panel's `last` outcome and `lastDoorOpened`). A ring the
 * panel refuses (another call, nobody reachable) ends on the outcome screen too.
 */
import type { CallState, DirectoryEntry } from '../../cloud-sync/protocol/panel-api.ts';
import { ApiError, api } from './api.ts';
import type { PanelState } from './panel-state.ts';

type Outcome = NonNullable<Extract<CallState, { phase: 'idle' }>['last']>['outcome'];

/** How a call ended, as the outcome screen tells it; `panel-busy`: the ring was refused for another call. */
export type EndedReason = Exclude<Outcome, 'no_app_device'> | 'unreachable' | 'panel-busy';

export interface EndedCall {
  /** The panel's call; undefined for a ring the panel refused. */
  callId: string | undefined;
  reason: EndedReason;
  bell: { bellId: string; bellText: string } | undefined;
  door: { id: string; name: string } | undefined;
}

export class CallControl {
  readonly #state: PanelState;
  readonly #show: (screen: string) => void;
  #ringing = false;
  #lastEnded: EndedCall | undefined;

  constructor(state: PanelState, show: (screen: string) => void) {
    this.#state = state;
    this.#show = show;
    state.callChanged.on(({ now, before }) => this.#changed(now, before));
  }

  /** How the last call ended (what the outcome screen shows). */
  get lastEnded(): EndedCall | undefined {
    return this.#lastEnded;
  }

  async ring(bell: DirectoryEntry): Promise<void> {
    // One ring at a time: a double tap must not ring twice (the second would meet "busy").
    if (this.#ringing || this.#state.call.phase !== 'idle') return;
    this.#ringing = true;
    try {
      const reply = await api.ring(bell.bellId);
      // The stream may have told of this call already, even of its end (a busy phone answers within
      // 100 ms): the reply is older news then.
      if (!this.#knows(reply.callId)) this.#state.setCall(reply.call);
      // A call that ended before the page heard it ring (nobody reachable ends it at once; over the
      // fallback poll a busy phone's answer can come first): its outcome screen all the same.
      const now = this.#state.call;
      if (now.phase === 'idle' && now.last?.callId === reply.callId) {
        const outcome = now.last.outcome;
        this.#end({
          callId: reply.callId,
          reason: outcome === 'no_app_device' ? 'unreachable' : outcome,
          bell: { bellId: bell.bellId, bellText: bell.displayText },
          door: now.lastDoorOpened,
        });
      }
    } catch (err) {
      const code = err instanceof ApiError ? err.code : '';
      const reason: EndedReason =
        code === 'busy' ? 'panel-busy' : code === 'nobody_to_ring' ? 'unreachable' : 'failed';
      this.#end({
        callId: undefined,
        reason,
        bell: { bellId: bell.bellId, bellText: bell.displayText },
        door: undefined,
      });
    } finally {
      this.#ringing = false;
    }
  }

  /** Cancel (ringing) or hang up (connected): the panel's answer is the new, idle state. */
  async hangUp(): Promise<void> {
    const call = this.#state.call;
    if (call.phase === 'idle') return;
    try {
      const reply = await api.hangUp(call.callId);
      const now = this.#state.call;
      if (now.phase !== 'idle' && now.callId === call.callId) this.#state.setCall(reply);
    } catch {
      // Ended meanwhile (answered elsewhere, timed out): the panel's next call state says how.
      this.#state.setCall(await api.call().catch(() => ({ phase: 'idle' }) as const));
    }
  }

  /** Whether the state names this call, in progress or as the last one ended. */
  #knows(callId: string): boolean {
    const call = this.#state.call;
    return call.phase === 'idle' ? call.last?.callId === callId : call.callId === callId;
  }

  #changed(now: CallState, before: CallState): void {
    if (now.phase !== 'idle') {
      this.#show('call');
      return;
    }
    if (before.phase === 'idle') return;
    const last = now.last?.callId === before.callId ? now.last.outcome : undefined;
    const outcome: Outcome = last ?? (before.phase === 'connected' ? 'answered' : 'no_answer');
    this.#end({
      callId: before.callId,
      reason: outcome === 'no_app_device' ? 'unreachable' : outcome,
      bell: { bellId: before.bellId, bellText: before.bellText },
      door: now.lastDoorOpened ?? before.doorOpened,
    });
  }

  #end(ended: EndedCall): void {
    if (ended.callId && ended.callId === this.#lastEnded?.callId) return;
    this.#lastEnded = ended;
    this.#show('call-ended');
  }
}
