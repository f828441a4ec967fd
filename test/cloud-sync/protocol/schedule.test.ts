import { describe, expect, it } from 'vitest';
import {
  isWithinSchedule,
  localWeekTime,
  type ScheduleInterval,
} from '../../../cloud-sync/protocol/schedule.ts';

const STHLM = 'Europe/Stockholm';
const MIN = 60_000;
const utc = (iso: string): number => Date.parse(`${iso}Z`);
// Sunday 02:00–03:00, the hour DST skips in spring and repeats in autumn.
const sundayTwoAm: ScheduleInterval[] = [{ weekday: 6, startMinute: 120, endMinute: 180 }];

describe('localWeekTime', () => {
  it('reads weekday (0 = Monday) and minute of day in the given zone', () => {
    expect(localWeekTime(utc('2026-03-02T07:30:00'), STHLM)).toEqual({ weekday: 0, minute: 8 * 60 + 30 });
    expect(localWeekTime(utc('2026-03-02T07:30:00'), 'UTC')).toEqual({ weekday: 0, minute: 7 * 60 + 30 });
    // Still Sunday evening in New York.
    expect(localWeekTime(utc('2026-03-02T03:15:00'), 'America/New_York')).toEqual({
      weekday: 6,
      minute: 22 * 60 + 15,
    });
    expect(localWeekTime(utc('2026-03-01T23:00:00'), STHLM)).toEqual({ weekday: 0, minute: 0 });
  });

  it('gives the same answer within a minute, whatever was asked in between', () => {
    const t = utc('2026-06-10T10:20:00');
    const first = localWeekTime(t, STHLM);
    localWeekTime(t + 3 * MIN, STHLM);
    expect(localWeekTime(t + 59_999, STHLM)).toEqual(first);
    expect(localWeekTime(t + MIN, STHLM)).toEqual({ weekday: 2, minute: 12 * 60 + 21 });
  });
});

describe('isWithinSchedule', () => {
  it('includes the start minute and excludes the end minute', () => {
    // Monday 2026-03-02, CET (UTC+1): 08:00–17:00 local is 07:00–16:00 UTC.
    const office: ScheduleInterval[] = [{ weekday: 0, startMinute: 480, endMinute: 1020 }];
    expect(isWithinSchedule(office, utc('2026-03-02T06:59:59.999'), STHLM)).toBe(false);
    expect(isWithinSchedule(office, utc('2026-03-02T07:00:00'), STHLM)).toBe(true);
    expect(isWithinSchedule(office, utc('2026-03-02T15:59:59.999'), STHLM)).toBe(true);
    expect(isWithinSchedule(office, utc('2026-03-02T16:00:00'), STHLM)).toBe(false);
  });

  it('runs an interval ending at 1440 up to midnight, and no further', () => {
    const lateSunday: ScheduleInterval[] = [{ weekday: 6, startMinute: 1380, endMinute: 1440 }];
    expect(isWithinSchedule(lateSunday, utc('2026-03-01T22:59:59.999'), STHLM)).toBe(true);
    expect(isWithinSchedule(lateSunday, utc('2026-03-01T23:00:00'), STHLM)).toBe(false);
  });

  it('never matches the hour skipped by spring-forward (2026-03-29, 02:00 → 03:00)', () => {
    const from = utc('2026-03-28T22:00:00');
    let inside = 0;
    for (let t = from; t < from + 6 * 60 * MIN; t += MIN)
      if (isWithinSchedule(sundayTwoAm, t, STHLM)) inside++;
    expect(inside).toBe(0);
    // 00:59 UTC is 01:59 CET; the next minute is 03:00 CEST.
    expect(localWeekTime(utc('2026-03-29T00:59:00'), STHLM)).toEqual({ weekday: 6, minute: 119 });
    expect(localWeekTime(utc('2026-03-29T01:00:00'), STHLM)).toEqual({ weekday: 6, minute: 180 });
    const sundayThreeAm: ScheduleInterval[] = [{ weekday: 6, startMinute: 180, endMinute: 240 }];
    expect(isWithinSchedule(sundayThreeAm, utc('2026-03-29T01:00:00'), STHLM)).toBe(true);
    expect(isWithinSchedule(sundayThreeAm, utc('2026-03-29T02:00:00'), STHLM)).toBe(false);
  });

  it('matches both passes through the hour repeated by fall-back (2026-10-25, 03:00 → 02:00)', () => {
    expect(isWithinSchedule(sundayTwoAm, utc('2026-10-24T23:59:59.999'), STHLM)).toBe(false); // 01:59 CEST
    expect(isWithinSchedule(sundayTwoAm, utc('2026-10-25T00:00:00'), STHLM)).toBe(true); // 02:00 CEST
    expect(isWithinSchedule(sundayTwoAm, utc('2026-10-25T00:59:59.999'), STHLM)).toBe(true); // 02:59 CEST
    expect(isWithinSchedule(sundayTwoAm, utc('2026-10-25T01:00:00'), STHLM)).toBe(true); // 02:00 CET again
    expect(isWithinSchedule(sundayTwoAm, utc('2026-10-25T01:59:59.999'), STHLM)).toBe(true); // 02:59 CET
    expect(isWithinSchedule(sundayTwoAm, utc('2026-10-25T02:00:00'), STHLM)).toBe(false); // 03:00 CET
    const from = utc('2026-10-24T22:00:00');
    let inside = 0;
    for (let t = from; t < from + 6 * 60 * MIN; t += MIN)
      if (isWithinSchedule(sundayTwoAm, t, STHLM)) inside++;
    expect(inside).toBe(120);
  });
});
