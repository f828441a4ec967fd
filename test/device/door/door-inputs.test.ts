import { describe, expect, it } from 'vitest';
import { DoorController } from '../../../device/door/door-controller.ts';
import type { DoorState } from '../../../device/door/types.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { sampleEvent } from '../audit/sample-events.ts';
import { doorConfig, FakeAudit, FakeRelay, grant, makeDoor } from './fakes.ts';

describe('DoorController door contact, exit button and tamper', () => {
  it('opening with no unlock raises forced_open; closing clears it', () => {
    const h = makeDoor();
    h.door.start();
    h.contact.set(true);
    expect(h.audit.ofType('door.opened')[0]?.data).toMatchObject({ authorized: false });
    expect(h.audit.alarms('alarm.raised')).toEqual(['forced_open']);
    expect(h.door.state()).toMatchObject({ open: true, locked: true, alarms: ['forced_open'] });
    h.contact.set(false);
    expect(h.audit.alarms('alarm.cleared')).toEqual(['forced_open']);
    expect(h.door.state()).toMatchObject({ open: false, alarms: [] });
    expect(h.audit.ofType('door.closed')).toHaveLength(1);
  });

  it('an opening during a granted pulse is authorized: no forced_open', () => {
    const h = makeDoor();
    h.door.start();
    h.door.unlock({ kind: 'access', eventSeq: grant(h) });
    h.clock.advance(2000);
    h.contact.set(true);
    expect(h.audit.ofType('door.opened')[0]?.data).toMatchObject({ authorized: true, by: 'access' });
    h.contact.set(false);
    expect(h.audit.alarms('alarm.raised')).toEqual([]);
  });

  it('an opening after the pulse has ended is forced', () => {
    const h = makeDoor({ door: { pulseMs: 3000 } });
    h.door.start();
    h.door.unlock({ kind: 'access', eventSeq: grant(h) });
    h.clock.advance(3000);
    h.contact.set(true);
    expect(h.audit.alarms('alarm.raised')).toEqual(['forced_open']);
  });

  it('exit press releases the door first, then records door.exit_requested and the unlock citing it', () => {
    const h = makeDoor({ door: { pulseMs: 6000 } });
    h.door.start();
    const seqBefore = h.audit.lastSeq();
    h.exit.press();
    const request = h.audit.ofType('door.exit_requested')[0]!;
    const unlocked = h.audit.ofType('door.unlocked')[0]!;
    expect(unlocked.data).toMatchObject({ cause: 'exit_button', decisionSeq: request.seq, pulseMs: 6000 });
    // Egress never waits on storage: nothing about the press was written when the relay moved.
    expect(h.relay.changes[0]).toMatchObject({ energized: true, auditSeq: seqBefore });
    h.clock.advance(6000);
    expect(h.door.state().locked).toBe(true);
  });

  it('the exit button never raises forced_open, even when the door opens at the same instant', () => {
    const h = makeDoor();
    h.door.start();
    h.exit.set(true);
    h.contact.set(true);
    h.exit.set(false);
    expect(h.audit.ofType('door.opened')[0]?.data).toMatchObject({ authorized: true, by: 'exit_button' });
    h.contact.set(false);
    expect(h.audit.alarms('alarm.raised')).toEqual([]);
  });

  it('an exit press releases the door even when nothing can be recorded (free egress)', () => {
    const h = makeDoor({ door: { pulseMs: 4000 } });
    h.door.start();
    h.audit.failing = true;
    h.exit.press();
    expect(h.relay.changes).toMatchObject([{ energized: true }]);
    expect(h.door.state().locked).toBe(false);
    h.contact.set(true);
    expect(h.door.state().alarms).toEqual([]);
    h.clock.advance(4000);
    expect(h.door.state().locked).toBe(true);
  });

  it('held open past heldOpenAfterS after an authorized opening raises held_open; closing clears it', () => {
    const h = makeDoor({ door: { heldOpenAfterS: 10 } });
    h.door.start();
    h.door.unlock({ kind: 'access', eventSeq: grant(h) });
    h.contact.set(true);
    h.clock.advance(9999);
    expect(h.door.state().alarms).toEqual([]);
    h.clock.advance(1);
    expect(h.audit.alarms('alarm.raised')).toEqual(['held_open']);
    expect(h.door.state()).toMatchObject({ locked: true, open: true, alarms: ['held_open'] });
    h.contact.set(false);
    expect(h.audit.alarms('alarm.cleared')).toEqual(['held_open']);
    expect(h.door.state().alarms).toEqual([]);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it('closing before heldOpenAfterS cancels the held-open timer', () => {
    const h = makeDoor({ door: { heldOpenAfterS: 10 } });
    h.door.start();
    h.exit.press();
    h.contact.set(true);
    h.clock.advance(5000);
    h.contact.set(false);
    h.clock.advance(60_000);
    expect(h.audit.alarms('alarm.raised')).toEqual([]);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it('tamper active raises tamper, inactive clears it; a tamper active at start is raised', () => {
    const h = makeDoor();
    h.door.start();
    h.tamper.set(true);
    expect(h.door.state().alarms).toEqual(['tamper']);
    h.tamper.set(false);
    expect(h.audit.alarms('alarm.raised')).toEqual(['tamper']);
    expect(h.audit.alarms('alarm.cleared')).toEqual(['tamper']);

    const h2 = makeDoor({ tamperActive: true });
    h2.door.start();
    expect(h2.door.state().alarms).toEqual(['tamper']);
  });

  it('a door found open at start is reported, not called forced, and still gets held_open', () => {
    const h = makeDoor({ contactOpen: true, door: { heldOpenAfterS: 5 } });
    h.door.start();
    expect(h.door.state().open).toBe(true);
    expect(h.audit.ofType('door.opened')[0]?.data).toMatchObject({ atStart: true });
    h.clock.advance(5000);
    expect(h.audit.alarms('alarm.raised')).toEqual(['held_open']);
  });

  it('a door without a contact reports open: null and never raises door alarms', () => {
    const clock = new FakeClock(0);
    const audit = new FakeAudit(clock);
    const relay = new FakeRelay('relay', audit, clock);
    const door = new DoorController({ door: doorConfig(), relay, clock, audit, logger: silentLogger });
    door.start();
    expect(door.state()).toEqual({ id: 'front', name: 'Front door', locked: true, open: null, alarms: [] });
    door.unlock({ kind: 'api', eventSeq: audit.append(sampleEvent('api.unlock_requested')).seq });
    clock.advance(5000);
    expect(door.state().locked).toBe(true);
    door.stop();
    expect(clock.pendingTimers()).toBe(0);
  });

  it('relock-on-close is off by default: the pulse runs its full length', () => {
    const h = makeDoor({ door: { pulseMs: 8000 } });
    h.door.start();
    h.door.unlock({ kind: 'access', eventSeq: grant(h) });
    h.contact.set(true);
    h.contact.set(false);
    expect(h.door.state().locked).toBe(false);
    h.clock.advance(8000);
    expect(h.door.state().locked).toBe(true);
  });

  it('relockOnClose relocks when the door closes after being opened during the pulse', () => {
    const h = makeDoor({ door: { pulseMs: 8000 }, relockOnClose: true });
    h.door.start();
    h.door.unlock({ kind: 'access', eventSeq: grant(h) });
    h.clock.advance(1000);
    h.contact.set(true);
    h.clock.advance(1000);
    h.contact.set(false);
    expect(h.door.state().locked).toBe(true);
    expect(h.audit.ofType('door.locked')[0]?.data).toMatchObject({ reason: 'closed' });
    expect(h.clock.pendingTimers()).toBe(0);
    h.contact.set(true); // the pulse is over: this opening is forced
    expect(h.door.state().alarms).toEqual(['forced_open']);
  });

  it('relockOnClose ignores a door that was already open when the pulse began', () => {
    const h = makeDoor({ relockOnClose: true });
    h.door.start();
    h.contact.set(true);
    h.door.unlock({ kind: 'access', eventSeq: grant(h) });
    h.contact.set(false);
    expect(h.door.state().locked).toBe(false);
  });

  it('input handlers never throw when the audit log fails; the door stays locked and alarms still show', () => {
    const h = makeDoor();
    h.door.start();
    h.audit.failing = true;
    expect(() => h.contact.set(true)).not.toThrow();
    expect(() => h.tamper.set(true)).not.toThrow();
    expect(h.door.state()).toMatchObject({ locked: true, open: true, alarms: ['forced_open', 'tamper'] });
    expect(h.relay.changes).toEqual([]);
    // The exit button is egress: it releases whatever the log does.
    expect(() => h.exit.press()).not.toThrow();
    expect(h.door.state().locked).toBe(false);
  });

  it('streams state changes to subscribers, and a throwing subscriber harms nothing', () => {
    const h = makeDoor({ door: { pulseMs: 2000 } });
    const seen: DoorState[] = [];
    h.door.on('change', () => {
      throw new Error('ui bug');
    });
    const off = h.door.on('change', (s) => {
      seen.push(s);
    });
    h.door.start();
    h.door.unlock({ kind: 'api', eventSeq: grant(h) });
    h.contact.set(true);
    h.contact.set(false);
    h.clock.advance(2000);
    off();
    h.tamper.set(true);
    expect(seen.map((s) => [s.locked, s.open, s.unlockedUntil])).toEqual([
      [true, false, undefined],
      [false, false, 2000],
      [false, true, 2000],
      [false, false, 2000],
      [true, false, undefined],
    ]);
    expect(seen[0]).toEqual({ id: 'front', name: 'Front door', locked: true, open: false, alarms: [] });
  });

  it('several doors are independent', () => {
    const clock = new FakeClock(0);
    const audit = new FakeAudit(clock);
    const a = makeDoor({ clock, audit, door: { id: 'a', pulseMs: 2000 } });
    const b = makeDoor({ clock, audit, door: { id: 'b', pulseMs: 5000, failMode: 'safe' } });
    a.door.start();
    b.door.start();
    a.door.unlock({ kind: 'access', eventSeq: grant(a) });
    expect(b.relay.changes).toEqual([{ energized: true, auditSeq: 0, at: 0 }]);
    expect(b.door.state().locked).toBe(true);
    b.contact.set(true); // a's pulse does not authorize b
    expect(b.door.state().alarms).toEqual(['forced_open']);
    expect(a.door.state().alarms).toEqual([]);
    clock.advance(1000);
    b.door.unlock({ kind: 'access', eventSeq: grant(b) });
    clock.advance(1000);
    expect(a.door.state().locked).toBe(true);
    expect(b.door.state().locked).toBe(false);
    clock.advance(4000);
    expect(b.door.state().locked).toBe(true);
    expect(audit.alarms('alarm.raised', 'b')).toEqual(['forced_open']);
    expect(audit.alarms('alarm.raised', 'a')).toEqual([]);
    expect(audit.ofType('door.unlocked', 'a')).toHaveLength(1);
    a.door.stop();
    b.door.stop();
    expect(clock.pendingTimers()).toBe(0);
  });
});
