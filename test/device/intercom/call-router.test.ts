import { describe, expect, it } from 'vitest';
import { CallRouter } from '../../../device/intercom/call-router.ts';
import type { BellTarget, Callee } from '../../../device/intercom/types.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';

function setup() {
  const clock = new FakeClock();
  const log: string[] = [];
  const audit: { type: string; data: Record<string, unknown> }[] = [];
  let n = 0;
  const router = new CallRouter({
    clock,
    newCallId: () => `call-${++n}`,
    ringer: {
      ring: (_call, residentId) => void log.push(`ring ${residentId}`),
      stopRinging: (_call, residentId, reason) => void log.push(`stop ${residentId} ${reason}`),
    },
    phone: {
      dial: (_call, callee, ringS) => void log.push(`dial ${callee.residentId} ${ringS}s`),
      end: () => void log.push('phone end'),
    },
    audit: (type, data) => void audit.push({ type, data }),
  });
  return { clock, log, audit, router, types: () => audit.map((a) => a.type) };
}

const callee = (residentId: string, extra: Partial<Callee> = {}): Callee => ({
  residentId,
  devices: ['phone-app'],
  hidden: false,
  ...extra,
});

const bell = (type: BellTarget['type'], callees: Callee[]): BellTarget => ({
  bellId: `bell-${type}`,
  type,
  callees,
  ringTimeoutS: 60,
  stepS: 20,
});

describe('doorbell routing', () => {
  it('parallel: all ring at once, the first answer wins, the others stop as answered elsewhere', () => {
    const { router, log, types } = setup();
    const r = router.ring(bell('parallel', [callee('anna'), callee('erik'), callee('maja')]));
    if (!r.ok) throw new Error('not rung');
    expect(log).toEqual(['ring anna', 'ring erik', 'ring maja']);
    expect(router.answer(r.callId, 'erik', 'erik-phone')).toBe(true);
    expect(log.slice(3)).toEqual(['stop anna answered_elsewhere', 'stop maja answered_elsewhere']);
    // Anna's late answer is refused: she is no longer being rung.
    expect(router.answer(r.callId, 'anna', 'anna-phone')).toBe(false);
    expect(router.current()).toMatchObject({ answeredBy: 'erik', ringing: [] });
    expect(types()).toContain('call.answered');
  });

  it('sequential: one after another with each ring time, hidden residents skipped', () => {
    const { router, log, clock } = setup();
    router.ring(
      bell('sequential', [callee('anna', { ringS: 10 }), callee('hidden', { hidden: true }), callee('erik')]),
    );
    expect(log).toEqual(['ring anna']);
    clock.advance(9_999);
    expect(log).toEqual(['ring anna']);
    clock.advance(1);
    expect(log).toEqual(['ring anna', 'stop anna next_resident', 'ring erik']);
    clock.advance(20_000);
    expect(log.slice(3)).toEqual(['stop erik next_resident']);
    expect(router.current()).toBeUndefined();
  });

  it('sequential: a decline moves on; the last decline ends the call declined, without the phone', () => {
    const { router, log, audit } = setup();
    const r = router.ring(bell('sequential', [callee('anna'), callee('erik')]));
    if (!r.ok) throw new Error('not rung');
    expect(router.decline(r.callId, 'anna')).toBe(true);
    expect(log).toEqual(['ring anna', 'stop anna declined', 'ring erik']);
    router.decline(r.callId, 'erik');
    expect(audit.at(-1)).toMatchObject({ type: 'call.ended', data: { outcome: 'declined' } });
    expect(log.some((l) => l.startsWith('dial'))).toBe(false);
  });

  it('no answer within the ring timeout ends the call unanswered (residents with the app are not phoned)', () => {
    const { router, log, clock, audit } = setup();
    router.ring(bell('separate', [callee('anna', { phone: '+4790000001' })]));
    clock.advance(60_000);
    expect(log).toEqual(['ring anna', 'stop anna timeout']);
    expect(audit.at(-1)).toMatchObject({ type: 'call.ended', data: { outcome: 'no_answer' } });
  });

  it('nobody reachable (no app device, no phone number): the call ends at once', () => {
    const { router, log, audit } = setup();
    const r = router.ring(bell('family', [callee('anna', { devices: [] }), callee('erik', { devices: [] })]));
    expect(r.ok).toBe(true);
    expect(log).toEqual([]);
    expect(router.current()).toBeUndefined();
    expect(audit.at(-1)).toMatchObject({ type: 'call.ended', data: { outcome: 'no_app_device' } });
  });

  it('a resident on no app device is phoned at once; answered by phone, then hung up', () => {
    const { router, log, clock, audit, types } = setup();
    const r = router.ring(bell('separate', [callee('anna', { devices: [], phone: '+4790000001' })]));
    if (!r.ok) throw new Error('not rung');
    expect(log).toEqual(['dial anna 60s']);
    expect(audit.find((a) => a.type === 'call.fallback')?.data).toMatchObject({
      residentIds: ['anna'],
      why: 'no_app_device',
    });
    expect(router.current()).toMatchObject({ phone: 'anna' });
    expect(router.phoneAnswered(r.callId, 'erik')).toBe(false);
    expect(router.phoneAnswered(r.callId, 'anna')).toBe(true);
    // Answered: the bell's ring timeout no longer applies.
    clock.advance(90_000);
    expect(router.current()).toMatchObject({ answeredBy: 'anna' });
    expect(router.phoneEnded(r.callId, 'anna', 'answered')).toBe(true);
    expect(audit.at(-1)).toMatchObject({
      type: 'call.ended',
      data: { outcome: 'answered', durationMs: 90_000 },
    });
    expect(types()).not.toContain('call.answered');
    expect(log).toEqual(['dial anna 60s']);
  });

  it('family bell: the app rings while the resident without it is phoned; an app answer ends the phone leg', () => {
    const { router, log } = setup();
    const r = router.ring(
      bell('family', [callee('anna'), callee('erik', { devices: [], phone: '+4790000002' })]),
    );
    if (!r.ok) throw new Error('not rung');
    expect(log).toEqual(['ring anna', 'dial erik 60s']);
    router.answer(r.callId, 'anna', 'anna-tablet');
    expect(log.slice(2)).toEqual(['phone end']);
    // The abandoned leg's late report changes nothing.
    expect(router.phoneAnswered(r.callId, 'erik')).toBe(false);
    expect(router.current()).toMatchObject({ answeredBy: 'anna' });
  });

  it('phones one after another; when every phone is busy the call ends busy', () => {
    const { router, log, audit } = setup();
    const r = router.ring(
      bell('parallel', [
        callee('anna', { devices: [], phone: '+4790000001' }),
        callee('erik', { devices: [], phone: '+4790000002' }),
      ]),
    );
    if (!r.ok) throw new Error('not rung');
    expect(log).toEqual(['dial anna 60s']);
    router.phoneEnded(r.callId, 'anna', 'busy');
    expect(log).toEqual(['dial anna 60s', 'dial erik 60s']);
    router.phoneEnded(r.callId, 'erik', 'busy');
    expect(audit.at(-1)).toMatchObject({ type: 'call.ended', data: { outcome: 'busy' } });
    expect(router.current()).toBeUndefined();
  });

  it('sequential: a step by phone rings the phone for its step time, then the next step', () => {
    const { router, log, clock, audit } = setup();
    const r = router.ring(
      bell('sequential', [
        callee('anna', { ringS: 10 }),
        callee('erik', { phone: '+4790000002', via: 'phone', ringS: 15 }),
        callee('maja', { devices: [], phone: '+4790000003' }),
        callee('olle', { devices: [] }),
      ]),
    );
    if (!r.ok) throw new Error('not rung');
    clock.advance(10_000);
    // Erik has the app, but his step says phone.
    expect(log).toEqual(['ring anna', 'stop anna next_resident', 'dial erik 15s']);
    clock.advance(15_000);
    expect(log.slice(3)).toEqual(['phone end', 'dial maja 20s']);
    // Maja's phone declines: Olle has neither app nor phone, so the call ends declined.
    router.phoneEnded(r.callId, 'maja', 'declined');
    expect(audit.at(-1)).toMatchObject({ type: 'call.ended', data: { outcome: 'declined' } });
  });

  it('the visitor cancels while a phone rings: the leg is ended and the call is cancelled', () => {
    const { router, log, audit } = setup();
    const r = router.ring(bell('separate', [callee('anna', { devices: [], phone: '+4790000001' })]));
    if (!r.ok) throw new Error('not rung');
    expect(router.ring(bell('separate', [callee('erik')]))).toEqual({ ok: false, reason: 'busy' });
    router.cancel(r.callId);
    expect(log).toEqual(['dial anna 60s', 'phone end']);
    expect(audit.at(-1)).toMatchObject({ type: 'call.ended', data: { outcome: 'cancelled' } });
    expect(router.phoneEnded(r.callId, 'anna', 'cancelled')).toBe(false);
  });

  it('one call at a time: a second visitor is told the panel is busy', () => {
    const { router, types } = setup();
    router.ring(bell('business', [callee('reception-1'), callee('reception-2')]));
    expect(router.ring(bell('separate', [callee('anna')]))).toEqual({ ok: false, reason: 'busy' });
    expect(types()).toContain('call.busy');
  });

  it('the visitor cancels: every device stops ringing; after an answer, cancel hangs up', () => {
    const { router, log, audit, clock } = setup();
    const first = router.ring(bell('parallel', [callee('anna'), callee('erik')]));
    if (!first.ok) throw new Error('not rung');
    router.cancel(first.callId);
    expect(log.slice(2)).toEqual(['stop anna cancelled', 'stop erik cancelled']);
    expect(audit.at(-1)).toMatchObject({ data: { outcome: 'cancelled' } });
    // Timers of a finished call never fire into a new one.
    const second = router.ring(bell('separate', [callee('maja')]));
    if (!second.ok) throw new Error('not rung');
    router.answer(second.callId, 'maja', 'maja-tablet');
    clock.advance(90_000);
    expect(router.current()).toMatchObject({ answeredBy: 'maja' });
    router.cancel(second.callId);
    expect(audit.at(-1)).toMatchObject({
      type: 'call.ended',
      data: { outcome: 'answered', durationMs: 90_000 },
    });
  });

  it('refuses messages about calls and residents it is not ringing', () => {
    const { router } = setup();
    const r = router.ring(bell('separate', [callee('anna')]));
    if (!r.ok) throw new Error('not rung');
    expect(router.isRinging(r.callId, 'anna')).toBe(true);
    expect(router.isRinging(r.callId, 'mallory')).toBe(false);
    expect(router.answer(r.callId, 'mallory', 'x')).toBe(false);
    expect(router.decline('call-other', 'anna')).toBe(false);
    expect(router.hangUp(r.callId)).toBe(false);
    expect(router.ring(bell('sequential', [callee('ghost', { hidden: true })]))).toEqual({
      ok: false,
      reason: 'busy',
    });
  });

  it('a sequential bell whose residents are all hidden rings nobody', () => {
    const { router, audit } = setup();
    expect(router.ring(bell('sequential', [callee('ghost', { hidden: true })]))).toEqual({
      ok: false,
      reason: 'nobody_to_ring',
    });
    expect(audit).toEqual([]);
  });
});
