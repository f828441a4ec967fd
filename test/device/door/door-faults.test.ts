import { describe, expect, it } from 'vitest';
import { RELAY_RETRY_MS } from '../../../device/door/lock-pulse.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { HardwareError } from '../../../lib/errors.ts';
import { grant, makeDoor } from './fakes.ts';

/** A clock whose timers can be made to fail, to reach the controller's last-resort error path. */
class BrittleClock extends FakeClock {
  failTimers = false;
  override setTimeout(fn: () => void, ms: number) {
    if (this.failTimers) throw new Error('timer table full');
    return super.setTimeout(fn, ms);
  }
}

describe('DoorController hardware and internal faults', () => {
  it('start() throws and subscribes to nothing when the relay cannot be locked', () => {
    const h = makeDoor();
    h.relay.broken = true;
    expect(() => h.door.start()).toThrow(HardwareError);
    expect(h.exit.listenerCount() + h.contact.listenerCount() + h.tamper.listenerCount()).toBe(0);
    expect(h.clock.pendingTimers()).toBe(0);
    expect(() => h.door.unlock({ kind: 'api', eventSeq: grant(h) })).toThrow();
  });

  it('a relay that refuses to relock at pulse end raises relay_fault and is retried until it locks', () => {
    const h = makeDoor({ door: { pulseMs: 2000 } });
    h.door.start();
    h.door.unlock({ kind: 'access', eventSeq: grant(h) });
    h.relay.broken = true;
    h.clock.advance(2000);
    expect(h.door.state()).toMatchObject({ locked: false, alarms: ['relay_fault'] });
    h.clock.advance(RELAY_RETRY_MS * 3);
    expect(h.door.state().locked).toBe(false);
    h.relay.broken = false;
    h.clock.advance(RELAY_RETRY_MS);
    expect(h.door.state()).toMatchObject({ locked: true, alarms: [] });
    expect(h.audit.alarms('alarm.raised')).toEqual(['relay_fault']);
    expect(h.audit.alarms('alarm.cleared')).toEqual(['relay_fault']);
    expect(h.audit.ofType('door.locked')).toHaveLength(1);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it('a relay that refuses to unlock makes unlock throw HardwareError and leaves no pulse', () => {
    const h = makeDoor();
    h.door.start();
    const seq = grant(h);
    h.relay.broken = true;
    expect(() => h.door.unlock({ kind: 'access', eventSeq: seq })).toThrow(HardwareError);
    expect(h.door.state().unlockedUntil).toBeUndefined();
    h.relay.broken = false;
    h.clock.advance(RELAY_RETRY_MS);
    expect(h.door.state()).toMatchObject({ locked: true, alarms: [] });
    expect(h.audit.ofType('door.locked')[0]?.data).toMatchObject({ reason: 'relay_error' });
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it('stop() with a dead relay still removes every timer and listener, then reports the failure', () => {
    const h = makeDoor();
    h.door.start();
    h.door.unlock({ kind: 'access', eventSeq: grant(h) });
    h.relay.broken = true;
    expect(() => h.door.stop()).toThrow(HardwareError);
    expect(h.clock.pendingTimers()).toBe(0);
    expect(h.exit.listenerCount() + h.contact.listenerCount() + h.tamper.listenerCount()).toBe(0);
  });

  it('an unexpected error inside an input handler is contained and relocks the door', () => {
    const clock = new BrittleClock(0);
    const h = makeDoor({ clock });
    h.door.start();
    h.door.unlock({ kind: 'access', eventSeq: grant(h) });
    clock.failTimers = true; // the authorized opening cannot arm its held-open timer
    expect(() => h.contact.set(true)).not.toThrow();
    expect(h.door.state()).toMatchObject({ locked: true, open: true });
    expect(h.audit.ofType('door.locked')[0]?.data).toMatchObject({ reason: 'internal_error' });
  });
});
