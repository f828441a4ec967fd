import { describe, expect, it } from 'vitest';
import { TapRateLimiter } from '../../../device/access/rate-limit.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';

describe('TapRateLimiter', () => {
  it('treats taps within the window of the last decided tap as repeats', () => {
    const clock = new FakeClock();
    const limiter = new TapRateLimiter({ clock, windowMs: 1500 });
    expect(limiter.isRepeat('r1', '04A1B2C3')).toBe(false);
    clock.advance(1000);
    expect(limiter.isRepeat('r1', '04A1B2C3')).toBe(true);
    // Another reader or another card is its own tap.
    expect(limiter.isRepeat('r2', '04A1B2C3')).toBe(false);
    expect(limiter.isRepeat('r1', '04A1B2C4')).toBe(false);
    clock.advance(499);
    expect(limiter.isRepeat('r1', '04A1B2C3')).toBe(true);
    // The window counts from the decided tap at 0, not the repeats: decided again at 1500.
    clock.advance(1);
    expect(limiter.isRepeat('r1', '04A1B2C3')).toBe(false);
    expect(limiter.isRepeat('r1', '04A1B2C3')).toBe(true);
  });

  it('forgets taps once their window has passed', () => {
    const clock = new FakeClock();
    const limiter = new TapRateLimiter({ clock, windowMs: 1500 });
    for (let i = 0; i < 100; i++) limiter.isRepeat('r1', `0400${i.toString(16).padStart(4, '0')}`);
    expect(limiter.size).toBe(100);
    clock.advance(1500);
    limiter.isRepeat('r1', '04FFFFFF');
    expect(limiter.size).toBe(1);
  });

  it('caps memory by dropping the oldest tap', () => {
    const clock = new FakeClock();
    const limiter = new TapRateLimiter({ clock, windowMs: 60_000, maxEntries: 3 });
    for (const uid of ['04000001', '04000002', '04000003', '04000004']) {
      limiter.isRepeat('r1', uid);
      clock.advance(1);
    }
    expect(limiter.size).toBe(3);
    expect(limiter.isRepeat('r1', '04000004')).toBe(true);
    expect(limiter.isRepeat('r1', '04000001')).toBe(false);
  });

  it('is off with a zero window', () => {
    const limiter = new TapRateLimiter({ clock: new FakeClock(), windowMs: 0 });
    expect(limiter.isRepeat('r1', '04A1B2C3')).toBe(false);
    expect(limiter.isRepeat('r1', '04A1B2C3')).toBe(false);
    expect(limiter.size).toBe(0);
  });
});
