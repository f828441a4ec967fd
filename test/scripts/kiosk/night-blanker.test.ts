/**
 * Night blanking on fake time, with the real sysfs backlight writer on a stand-in directory: dark only
 * at night and only when idle, input ignored before the backlight goes off and for a moment after a
 * touch lit it, lit again when the night ends or the kiosk stops.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { Backlight } from '../../../scripts/kiosk/backlight.ts';
import {
  isNight,
  NightBlanker,
  type NightSchedule,
  SCHEDULE_CHECK_MS,
  WAKE_GRACE_MS,
} from '../../../scripts/kiosk/night-blanker.ts';

const HOUR = 3_600_000;
const MIDNIGHT = Date.UTC(2026, 0, 1);
const night: NightSchedule = { fromMinute: 23 * 60, toMinute: 6 * 60, timeZone: 'UTC' };

describe('isNight', () => {
  it('wraps past midnight, keeps a same-day window, and is all day when from equals to', () => {
    const at = (h: number, m = 0) => MIDNIGHT + h * HOUR + m * 60_000;
    expect([22, 23, 0, 5, 6, 12].map((h) => isNight(night, at(h)))).toEqual([
      false,
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(isNight(night, at(5, 59))).toBe(true);
    const lunch = { fromMinute: 12 * 60, toMinute: 13 * 60, timeZone: 'UTC' };
    expect([11, 12, 13].map((h) => isNight(lunch, at(h)))).toEqual([false, true, false]);
    expect(isNight({ fromMinute: 0, toMinute: 0, timeZone: 'UTC' }, at(15))).toBe(true);
    // Local time: 23:30 in Oslo is 22:30 UTC in winter.
    expect(isNight({ ...night, timeZone: 'Europe/Oslo' }, at(22, 30))).toBe(true);
  });
});

describe('the night blanker', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function setup(startAt: number) {
    const dir = mkdtempSync(join(tmpdir(), 'portvakt-backlight-'));
    dirs.push(dir);
    const clock = new FakeClock(startAt);
    /** What the page was told, in order, with whether the backlight was off at that moment. */
    const guard: { ignore: boolean; dark: boolean }[] = [];
    const power = () => readFileSync(join(dir, 'bl_power'), 'utf8');
    const blanker = new NightBlanker({
      clock,
      schedule: night,
      screen: new Backlight(dir, silentLogger),
      input: {
        setIgnoreInput: async (ignore) => {
          guard.push({ ignore, dark: power() === '4' });
        },
      },
      log: silentLogger,
    });
    blanker.start();
    return { clock, blanker, guard, power };
  }
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('stays lit by day however long nobody touches it', async () => {
    const { blanker, power, clock } = setup(MIDNIGHT + 12 * HOUR);
    blanker.idle();
    clock.advance(HOUR);
    await settle();
    expect(power()).toBe('0');
    expect(blanker.dark).toBe(false);
  });

  it('goes dark at night when idle, the guard first; a touch lights it and input follows after a moment', async () => {
    const { blanker, power, guard, clock } = setup(MIDNIGHT + 1 * HOUR);
    blanker.idle();
    await settle();
    expect(power()).toBe('4');
    expect(guard).toEqual([{ ignore: true, dark: false }]);

    blanker.active();
    expect(power()).toBe('0');
    clock.advance(WAKE_GRACE_MS - 1);
    expect(guard).toHaveLength(1);
    clock.advance(1);
    expect(guard).toEqual([
      { ignore: true, dark: false },
      { ignore: false, dark: false },
    ]);
  });

  it('darkens a screen left idle from the evening once the night starts, and lights it at its end', async () => {
    const { blanker, power, guard, clock } = setup(MIDNIGHT + 22 * HOUR + 50 * 60_000);
    blanker.idle();
    await settle();
    expect(power()).toBe('0');
    clock.advance(10 * 60_000 + SCHEDULE_CHECK_MS);
    await settle();
    expect(power()).toBe('4');
    clock.advance(7 * HOUR);
    expect(power()).toBe('0');
    expect(guard.at(-1)).toEqual({ ignore: false, dark: false });
  });

  it('lights the screen and takes input again when the kiosk stops in the dark', async () => {
    const { blanker, power, guard } = setup(MIDNIGHT + 2 * HOUR);
    blanker.idle();
    await settle();
    expect(power()).toBe('4');
    blanker.stop();
    expect(power()).toBe('0');
    expect(guard.at(-1)?.ignore).toBe(false);
  });
});
