/**
 * The intercom's side of the phone fallback: the router hands it a callee to phone, it asks the phone
 * (device/phone/) to dial, keeps the leg's state on the live call for the screen, and passes the leg's
 * reports back to the router. Reports run after dial() returns (a microtask later), even from a leg that
 * fails at once, so the router is never re-entered from inside its own dial; a report of a leg the call
 * no longer has (ended, or replaced by the next one) changes nothing.
 */
import type { CallRouter } from './call-router.ts';
import type { LiveCall } from './live-call.ts';
import type { IntercomPhone } from './ports.ts';
import type { Callee } from './types.ts';

export interface PhoneLegsContext {
  phone: IntercomPhone;
  router: () => CallRouter;
  live: () => LiveCall | undefined;
  /** Answered by phone: the app devices that rang were told to stop; their peers go too. */
  closeAllPeers: (live: LiveCall) => void;
  /** The callee opened the call's door with a digit. */
  doorOpened: (live: LiveCall) => void;
  changed: () => void;
}

export class PhoneLegs {
  readonly #c: PhoneLegsContext;

  constructor(context: PhoneLegsContext) {
    this.#c = context;
  }

  dial(callId: string, callee: Callee, ringS: number): void {
    const live = this.#c.live();
    if (!live || live.callId !== callId || !callee.phone) return;
    const { residentId } = callee;
    const leg = { residentId, state: 'dialing' as 'dialing' | 'ringing' | 'connected' };
    live.phone = leg;
    const current = () => this.#c.live() === live && live.phone === leg;
    const later = (fn: () => void) => () => queueMicrotask(fn);
    this.#c.phone.dial(
      { callId, residentId, number: callee.phone, ringS, doorId: live.doorId },
      {
        ringing: later(() => {
          if (!current() || leg.state !== 'dialing') return;
          leg.state = 'ringing';
          this.#c.changed();
        }),
        answered: later(() => {
          if (!current() || !this.#c.router().phoneAnswered(callId, residentId)) return;
          leg.state = 'connected';
          this.#c.closeAllPeers(live);
          this.#c.changed();
        }),
        doorOpened: later(() => {
          if (current()) this.#c.doorOpened(live);
        }),
        ended: (outcome) =>
          queueMicrotask(() => {
            if (!current()) return;
            live.phone = undefined;
            this.#c.router().phoneEnded(callId, residentId, outcome);
            this.#c.changed();
          }),
      },
    );
    this.#c.changed();
  }

  /** The router gave up on the leg (answered elsewhere, next step, the call ended). */
  end(callId: string): void {
    const live = this.#c.live();
    if (live?.callId === callId) live.phone = undefined;
    this.#c.phone.end(callId);
  }
}
