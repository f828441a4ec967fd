import { describe, expect, it } from 'vitest';
import { PortvaktError, ValidationError } from '../../../lib/errors.ts';
import { grant, makeDoor } from './fakes.ts';

describe('DoorController relay and pulses', () => {
  it('fail-secure (strike) starts locked: relay de-energized', () => {
    const h = makeDoor({ door: { failMode: 'secure' }, relayEnergized: true });
    h.door.start();
    expect(h.relay.isEnergized()).toBe(false);
    expect(h.door.state().locked).toBe(true);
  });

  it('fail-safe (maglock) starts locked: relay energized', () => {
    const h = makeDoor({ door: { failMode: 'safe' } });
    h.door.start();
    expect(h.relay.isEnergized()).toBe(true);
    expect(h.door.state().locked).toBe(true);
  });

  it('drives the relay locked before subscribing to any input', () => {
    const h = makeDoor({ door: { failMode: 'safe' } });
    const listenersAtLock: number[] = [];
    h.relay.onSet = () => listenersAtLock.push(h.exit.listenerCount() + h.contact.listenerCount());
    h.door.start();
    expect(listenersAtLock[0]).toBe(0);
    expect(h.exit.listenerCount()).toBe(1);
  });

  it('lockNow() works before start, is idempotent and writes no events when already locked', () => {
    const h = makeDoor({ door: { failMode: 'safe' } });
    h.door.lockNow();
    h.door.lockNow();
    h.door.start();
    expect(h.relay.changes.map((c) => c.energized)).toEqual([true]);
    expect(h.audit.events).toEqual([]);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it('constructing does nothing', () => {
    const h = makeDoor({ door: { failMode: 'safe' } });
    expect(h.relay.changes).toEqual([]);
    expect(h.exit.listenerCount()).toBe(0);
  });

  for (const failMode of ['secure', 'safe'] as const) {
    it(`${failMode}: a pulse unlocks and relocks at exactly pulseMs`, () => {
      const h = makeDoor({ door: { failMode, pulseMs: 4000 } });
      h.door.start();
      const decision = grant(h);
      const result = h.door.unlock({ kind: 'access', eventSeq: decision });
      const unlockedLevel = failMode === 'secure';
      expect(h.relay.isEnergized()).toBe(unlockedLevel);
      expect(h.door.state()).toMatchObject({ locked: false, unlockedUntil: 4000 });
      expect(result).toMatchObject({ pulseMs: 4000, unlockedUntil: 4000, extended: false });

      h.clock.advance(3999);
      expect(h.door.state().locked).toBe(false);
      h.clock.advance(1);
      expect(h.relay.isEnergized()).toBe(!unlockedLevel);
      expect(h.door.state().locked).toBe(true);
      expect(h.door.state().unlockedUntil).toBeUndefined();
      expect(h.relay.changes.at(-1)?.at).toBe(4000);

      const unlocked = h.audit.ofType('door.unlocked')[0];
      expect(unlocked?.data).toMatchObject({ cause: 'access', decisionSeq: decision, pulseMs: 4000 });
      expect(unlocked?.doorId).toBe('front');
      expect(h.audit.ofType('door.locked')[0]?.data).toMatchObject({ reason: 'pulse_end' });
      expect(h.clock.pendingTimers()).toBe(0);
    });
  }

  it('uses door.pulseMs by default and clamps requested pulses to 1000–30000 ms', () => {
    const h = makeDoor({ door: { pulseMs: 7000 } });
    h.door.start();
    expect(h.door.unlock({ kind: 'api', eventSeq: grant(h) }).pulseMs).toBe(7000);
    h.clock.advance(7000);

    expect(h.door.unlock({ kind: 'api', eventSeq: grant(h), ms: 10 }).pulseMs).toBe(1000);
    h.clock.advance(999);
    expect(h.door.state().locked).toBe(false);
    h.clock.advance(1);
    expect(h.door.state().locked).toBe(true);

    expect(h.door.unlock({ kind: 'api', eventSeq: grant(h), ms: 3_600_000 }).pulseMs).toBe(30_000);
    h.clock.advance(29_999);
    expect(h.door.state().locked).toBe(false);
    h.clock.advance(1);
    expect(h.door.state().locked).toBe(true);
  });

  it('refuses non-finite pulse lengths, unknown kinds and missing decision seqs without moving the relay', () => {
    const h = makeDoor();
    h.door.start();
    const seq = grant(h);
    expect(() => h.door.unlock({ kind: 'api', eventSeq: seq, ms: Number.NaN })).toThrow(ValidationError);
    expect(() => h.door.unlock({ kind: 'api', eventSeq: seq, ms: Number.POSITIVE_INFINITY })).toThrow(
      ValidationError,
    );
    expect(() => h.door.unlock({ kind: 'api', eventSeq: 0 })).toThrow(ValidationError);
    expect(() => h.door.unlock({ kind: 'api' } as never)).toThrow(ValidationError);
    expect(() => h.door.unlock({ kind: 'magic', eventSeq: seq } as never)).toThrow(ValidationError);
    expect(h.relay.changes).toEqual([]);
    expect(h.audit.ofType('door.unlocked')).toEqual([]);
  });

  it('refuses to unlock a door that is not running', () => {
    const h = makeDoor();
    expect(() => h.door.unlock({ kind: 'api', eventSeq: grant(h) })).toThrow(PortvaktError);
    h.door.start();
    h.door.stop();
    expect(() => h.door.unlock({ kind: 'api', eventSeq: grant(h) })).toThrow(PortvaktError);
    expect(h.relay.changes).toEqual([]);
  });

  it('a second unlock during a pulse extends it from that moment, bounded by its own length', () => {
    const h = makeDoor({ door: { pulseMs: 5000 } });
    h.door.start();
    h.door.unlock({ kind: 'access', eventSeq: grant(h) });
    h.clock.advance(3000);
    const second = h.door.unlock({ kind: 'access', eventSeq: grant(h) });
    expect(second).toMatchObject({ extended: true, unlockedUntil: 8000 });
    h.clock.advance(2000); // the first pulse would have ended here
    expect(h.door.state().locked).toBe(false);
    h.clock.advance(2999);
    expect(h.door.state().locked).toBe(false);
    h.clock.advance(1);
    expect(h.door.state().locked).toBe(true);
    expect(h.relay.changes.map((c) => [c.energized, c.at])).toEqual([
      [true, 0],
      [false, 8000],
    ]);
    expect(h.audit.ofType('door.unlocked')).toHaveLength(2);
    expect(h.audit.ofType('door.locked')).toHaveLength(1);
  });

  it('a shorter unlock during a longer pulse does not cut it short', () => {
    const h = makeDoor();
    h.door.start();
    h.door.unlock({ kind: 'api', eventSeq: grant(h), ms: 20_000 });
    h.clock.advance(1000);
    expect(h.door.unlock({ kind: 'access', eventSeq: grant(h), ms: 1000 }).unlockedUntil).toBe(20_000);
    h.clock.advance(18_999);
    expect(h.door.state().locked).toBe(false);
    h.clock.advance(1);
    expect(h.door.state().locked).toBe(true);
  });

  it('prepareUnlock writes door.unlocked and leaves the relay alone until drive()', () => {
    const h = makeDoor({ door: { pulseMs: 3000 } });
    h.door.start();
    const seq = grant(h);
    const before = h.relay.changes.length;
    const prepared = h.door.prepareUnlock({ kind: 'access', eventSeq: seq });
    expect(h.audit.events.at(-1)).toMatchObject({ type: 'door.unlocked', data: { decisionSeq: seq } });
    expect(h.relay.changes).toHaveLength(before);
    expect(h.door.state().locked).toBe(true);
    const result = prepared.drive();
    expect(result.pulseMs).toBe(3000);
    expect(h.relay.changes).toHaveLength(before + 1);
    expect(h.door.state().locked).toBe(false);
    h.clock.advance(3000);
    expect(h.door.state().locked).toBe(true);
  });

  it('prepareUnlock refuses like unlock: a failed write throws audit_failed, a stopped door door_stopped', () => {
    const h = makeDoor();
    h.door.start();
    const seq = grant(h);
    h.audit.failing = true;
    expect(() => h.door.prepareUnlock({ kind: 'access', eventSeq: seq })).toThrow(
      expect.objectContaining({ code: 'audit_failed' }),
    );
    h.audit.failing = false;
    h.door.stop();
    expect(() => h.door.prepareUnlock({ kind: 'access', eventSeq: seq })).toThrow(
      expect.objectContaining({ code: 'door_stopped' }),
    );
  });

  for (const failMode of ['secure', 'safe'] as const) {
    it(`${failMode}: when door.unlocked cannot be written the relay never moves`, () => {
      const h = makeDoor({ door: { failMode } });
      h.door.start();
      const seq = grant(h);
      const before = h.relay.changes.length;
      h.audit.failing = true;
      let error: unknown;
      try {
        h.door.unlock({ kind: 'access', eventSeq: seq });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(PortvaktError);
      expect((error as PortvaktError).code).toBe('audit_failed');
      expect(h.relay.changes).toHaveLength(before);
      expect(h.door.state().locked).toBe(true);
      expect(h.clock.pendingTimers()).toBe(0);
    });
  }

  it('a failed write does not extend a running pulse', () => {
    const h = makeDoor({ door: { pulseMs: 5000 } });
    h.door.start();
    h.door.unlock({ kind: 'access', eventSeq: grant(h) });
    h.clock.advance(4000);
    const seq = grant(h);
    h.audit.failing = true;
    expect(() => h.door.unlock({ kind: 'access', eventSeq: seq })).toThrow(PortvaktError);
    h.clock.advance(1000);
    expect(h.door.state().locked).toBe(true);
  });

  it('writes door.unlocked before energizing and door.locked after relocking', () => {
    const h = makeDoor();
    h.door.start();
    h.door.unlock({ kind: 'access', eventSeq: grant(h) });
    h.clock.advance(5000);
    const unlocked = h.audit.ofType('door.unlocked')[0]!;
    const locked = h.audit.ofType('door.locked')[0]!;
    const [energize, deenergize] = h.relay.changes;
    expect(energize?.energized).toBe(true);
    expect(energize!.auditSeq).toBe(unlocked.seq); // the event was the last thing written before the coil moved
    expect(deenergize?.energized).toBe(false);
    expect(deenergize!.auditSeq).toBeLessThan(locked.seq); // relay first, record after
  });

  it('stop() during a pulse leaves the door locked with no timers or input listeners', () => {
    const h = makeDoor({ door: { failMode: 'safe' } });
    h.door.start();
    h.door.unlock({ kind: 'access', eventSeq: grant(h) });
    h.contact.set(true); // authorized opening: held-open timer pending
    expect(h.clock.pendingTimers()).toBe(2);
    h.door.stop();
    expect(h.relay.isEnergized()).toBe(true);
    expect(h.door.state().locked).toBe(true);
    expect(h.clock.pendingTimers()).toBe(0);
    expect(h.exit.listenerCount() + h.contact.listenerCount() + h.tamper.listenerCount()).toBe(0);
    expect(h.audit.ofType('door.locked').at(-1)?.data).toMatchObject({ reason: 'stopped' });
    const events = h.audit.events.length;
    h.exit.press();
    h.contact.set(false);
    h.clock.advance(60_000);
    expect(h.audit.events).toHaveLength(events);
    expect(h.relay.isEnergized()).toBe(true);
  });

  it('lockNow() ends a pulse at once', () => {
    const h = makeDoor();
    h.door.start();
    h.door.unlock({ kind: 'access', eventSeq: grant(h) });
    h.door.lockNow();
    expect(h.door.state().locked).toBe(true);
    expect(h.clock.pendingTimers()).toBe(0);
    expect(h.audit.ofType('door.locked')[0]?.data).toMatchObject({ reason: 'lock_now' });
  });
});
