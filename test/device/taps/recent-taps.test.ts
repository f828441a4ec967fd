/** The panel's memory of recent taps, on a fake clock: a minute, 32 taps, granted taps only name a resident. */
import { describe, expect, it } from 'vitest';
import { MAX_RECENT_TAPS, RECENT_TAP_KEEP_MS, RecentTaps } from '../../../device/taps/recent-taps.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';

const granted = { granted: true, residentId: 'resident-01', cardId: 'card-resident-01' };

describe('recent taps', () => {
  it('names the resident of a granted tap for a minute, then forgets it', () => {
    const clock = new FakeClock();
    const taps = new RecentTaps({ clock });
    const tapId = taps.remember(granted);
    expect(taps.get(tapId)).toEqual({ ...granted, at: clock.now() });
    clock.advance(RECENT_TAP_KEEP_MS - 1);
    expect(taps.residentOf(tapId)).toBe('resident-01');
    clock.advance(1);
    expect(taps.residentOf(tapId)).toBeUndefined();
    expect(taps.get(tapId)).toBeUndefined();
    expect(taps.size).toBe(0);
  });

  it('names nobody for a refused tap, whoever the card was', () => {
    const taps = new RecentTaps({ clock: new FakeClock() });
    const tapId = taps.remember({ granted: false, residentId: 'resident-03', cardId: 'card-revoked' });
    expect(taps.get(tapId)).toEqual({ granted: false, at: expect.any(Number) });
    expect(taps.residentOf(tapId)).toBeUndefined();
  });

  it('gives each tap its own random id, unrelated to the card', () => {
    const taps = new RecentTaps({ clock: new FakeClock() });
    const a = taps.remember(granted);
    const b = taps.remember(granted);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(taps.residentOf('not-a-tap')).toBeUndefined();
  });

  it('keeps at most 32, dropping the oldest first', () => {
    const clock = new FakeClock();
    const taps = new RecentTaps({ clock });
    const ids: string[] = [];
    for (let i = 0; i < MAX_RECENT_TAPS + 3; i++) {
      ids.push(taps.remember({ granted: true, residentId: `resident-${i}` }));
      clock.advance(10);
    }
    expect(taps.size).toBe(MAX_RECENT_TAPS);
    for (const id of ids.slice(0, 3)) expect(taps.get(id)).toBeUndefined();
    expect(taps.residentOf(ids[3]!)).toBe('resident-3');
    expect(taps.residentOf(ids.at(-1)!)).toBe(`resident-${MAX_RECENT_TAPS + 2}`);
  });

  it('forgets on monotonic time: a wall-clock step back does not stretch a tap', () => {
    const clock = new FakeClock();
    const taps = new RecentTaps({ clock, keepMs: 1000 });
    const tapId = taps.remember(granted);
    clock.setWallTime(clock.now() - 3_600_000);
    clock.advance(1000);
    expect(taps.get(tapId)).toBeUndefined();
  });
});
