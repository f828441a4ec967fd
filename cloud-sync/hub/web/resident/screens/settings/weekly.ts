/**
 * The weekly hiding schedule in the app's terms: some weekdays, one time span each (e.g. 22:00–07:00),
 * turned into the time profile intervals the hub stores (a span past midnight is split, as the profile
 * requires: it ends at 24:00 and goes on the next morning).
 */
import type { WeeklyInterval } from '../../../../../protocol/resident-self-service.ts';

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** "22:00" → 1320; undefined when not a time. */
export function minuteOf(value: string): number | undefined {
  const m = /^(\d{2}):(\d{2})$/.exec(value);
  if (!m) return undefined;
  const minute = Number(m[1]) * 60 + Number(m[2]);
  return minute < 1440 ? minute : undefined;
}

export function intervalsFor(days: readonly number[], start: number, end: number): WeeklyInterval[] {
  const out: WeeklyInterval[] = [];
  for (const weekday of days) {
    if (start < end) out.push({ weekday, startMinute: start, endMinute: end });
    else {
      out.push({ weekday, startMinute: start, endMinute: 1440 });
      if (end > 0) out.push({ weekday: (weekday + 1) % 7, startMinute: 0, endMinute: end });
    }
  }
  return out;
}

const clock = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

export function describeWeekly(intervals: readonly WeeklyInterval[]): string {
  if (intervals.length === 0) return 'No weekly schedule.';
  return `Hidden ${[...intervals]
    .sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute)
    .map((i) => `${WEEKDAYS[i.weekday]} ${clock(i.startMinute)}–${clock(i.endMinute)}`)
    .join(', ')}.`;
}
