import { describe, expect, it } from 'vitest';
import { KeyframeRequester } from '../../../device/media/keyframe.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';

describe('KeyframeRequester', () => {
  it('asks at once, then at most every 500 ms, folding early requests into one at the interval end', () => {
    const clock = new FakeClock();
    const sentAt: number[] = [];
    const k = new KeyframeRequester({
      clock,
      minIntervalMs: 500,
      send: () => sentAt.push(clock.monotonic()),
    });
    k.request('peer-connected');
    expect(sentAt).toEqual([0]);
    clock.advance(100);
    k.request('pli');
    k.request('pli');
    k.request('fir');
    expect(sentAt).toEqual([0]);
    clock.advance(399);
    expect(sentAt).toEqual([0]);
    clock.advance(1);
    expect(sentAt).toEqual([0, 500]);
    clock.advance(2000);
    k.request('video-resumed');
    expect(sentAt).toEqual([0, 500, 2500]);
    expect(k.requested).toEqual({ 'peer-connected': 1, 'video-resumed': 1, pli: 2, fir: 1 });
    expect(k.sent).toBe(3);
  });

  it('close() drops a pending request', () => {
    const clock = new FakeClock();
    let sent = 0;
    const k = new KeyframeRequester({ clock, minIntervalMs: 500, send: () => sent++ });
    k.request('pli');
    k.request('pli');
    k.close();
    clock.advance(1000);
    expect(sent).toBe(1);
    expect(clock.pendingTimers()).toBe(0);
  });
});
