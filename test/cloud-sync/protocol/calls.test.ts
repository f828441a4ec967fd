import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appCallMessage,
  appDeviceCallFilter,
  callIdOf,
  callTopic,
  panelCallFilter,
  panelCallMessage,
  parseCallTopic,
} from '../../../cloud-sync/protocol/calls.ts';
import { parseDeviceTopic } from '../../../cloud-sync/protocol/topics.ts';

const callId = 'c0ffee00-1234';

describe('call topics', () => {
  it('put both directions under the panel subtree, addressed by app device', () => {
    expect(callTopic('panel-1', 'to', 'app-anna')).toBe('portvakt/v1/devices/panel-1/calls/to/app-anna');
    expect(callTopic('panel-1', 'from', 'app-anna')).toBe('portvakt/v1/devices/panel-1/calls/from/app-anna');
    expect(panelCallFilter('panel-1')).toBe('portvakt/v1/devices/panel-1/calls/from/+');
    expect(appDeviceCallFilter('app-anna')).toBe('portvakt/v1/devices/+/calls/to/app-anna');
  });

  it('refuse ids that would widen a subscription or escape the subtree', () => {
    for (const bad of ['', '+', '#', 'a/b', 'App', '-a', 'x'.repeat(64)]) {
      expect(() => callTopic('panel-1', 'to', bad), bad).toThrow(/invalid app device id/);
      expect(() => callTopic(bad, 'to', 'app-1'), bad).toThrow(/invalid device id/);
      expect(() => appDeviceCallFilter(bad), bad).toThrow(/invalid app device id/);
    }
  });

  it('parse what they build and nothing else', () => {
    expect(parseCallTopic('portvakt/v1/devices/p1/calls/from/app-2')).toEqual({
      deviceId: 'p1',
      direction: 'from',
      appDeviceId: 'app-2',
    });
    for (const other of [
      'portvakt/v1/devices/p1/calls/sideways/app-2',
      'portvakt/v1/devices/p1/calls/from/app-2/x',
      'portvakt/v1/devices/p1/calls/from/+',
      'portvakt/v2/devices/p1/calls/from/a',
      'portvakt/v1/devices/P1/calls/from/a',
      'portvakt/v1/devices/p1/events',
    ]) {
      expect(parseCallTopic(other), other).toBeUndefined();
    }
    // The generic leaf parser does not mistake a call topic for a device leaf.
    expect(parseDeviceTopic('portvakt/v1/devices/p1/calls/from/app-2')).toBeUndefined();
  });

  it('round-trip any valid ids', () => {
    const idArb = fc
      .tuple(fc.constantFrom(...'abc019'), fc.string({ unit: fc.constantFrom(...'abz09_-'), maxLength: 62 }))
      .map(([a, b]) => a + b);
    fc.assert(
      fc.property(idArb, idArb, fc.constantFrom('to' as const, 'from' as const), (d, a, dir) => {
        expect(parseCallTopic(callTopic(d, dir, a))).toEqual({ deviceId: d, direction: dir, appDeviceId: a });
      }),
    );
  });
});

describe('call messages', () => {
  const ring = {
    protocol: 1,
    type: 'ring',
    callId,
    sentAt: 1,
    bellId: 'bell-1',
    bellText: 'Andersson',
    panelName: 'Main entrance',
    residentId: 'r1',
    ringtone: 'chime',
    ringUntil: 60_000,
    snapshot: 'data:image/jpeg;base64,/9j/4AAQ',
  };

  it('accept every well-formed message of both directions', () => {
    expect(panelCallMessage.parse(ring).type).toBe('ring');
    expect(
      panelCallMessage.parse({ protocol: 1, type: 'stop', callId, reason: 'answered_elsewhere' }),
    ).toMatchObject({
      reason: 'answered_elsewhere',
    });
    expect(
      appCallMessage.parse({
        protocol: 1,
        type: 'candidate',
        callId,
        candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' },
      }).type,
    ).toBe('candidate');
    for (const m of [
      { type: 'answer', sdp: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n' },
      { type: 'accept', video: false },
      { type: 'decline' },
      { type: 'hangup' },
      { type: 'video', enabled: true },
      { type: 'open' },
    ]) {
      expect(appCallMessage.safeParse({ protocol: 1, callId, ...m }).success, m.type).toBe(true);
    }
  });

  it('refuse malformed ones with a message that names the problem', () => {
    const cases: [unknown, RegExp][] = [
      [{ ...ring, snapshot: 'data:image/png;base64,AAAA' }, /base64 JPEG/],
      [{ ...ring, callId: 'short' }, /8-64 chars/],
      [{ ...ring, extra: 1 }, /extra/],
      [{ ...ring, protocol: 2 }, /protocol|1/],
      [{ ...ring, ringtone: 'siren' }, /ringtone|classic/],
    ];
    for (const [value, message] of cases) {
      const result = panelCallMessage.safeParse(value);
      expect(result.success).toBe(false);
      expect(JSON.stringify(result.error?.issues)).toMatch(message);
    }
    expect(appCallMessage.safeParse({ protocol: 1, callId, type: 'open', doorId: 'd1' }).success).toBe(false);
    expect(appCallMessage.safeParse({ protocol: 1, callId, type: 'ring' }).success).toBe(false);
  });

  it('recover a usable call id from a rejected message only when it is well-formed', () => {
    expect(callIdOf({ callId, type: 'nonsense' })).toBe(callId);
    expect(callIdOf({ callId: '../../x' })).toBeUndefined();
    expect(callIdOf('x')).toBeUndefined();
    expect(callIdOf(null)).toBeUndefined();
  });

  it('never throw on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(typeof panelCallMessage.safeParse(v).success).toBe('boolean');
        expect(typeof appCallMessage.safeParse(v).success).toBe('boolean');
      }),
    );
  });
});
