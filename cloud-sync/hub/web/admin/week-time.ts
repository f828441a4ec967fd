/**
 * Times of a weekly schedule as people type them: "HH:MM" to a minute of the local day (as time profiles
 * store it; 24:00 is the end of the day) and back, and a one-line summary. No DOM: tested under Node.
 */
import type { TimeInterval } from '../../../protocol/building.ts';

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export const HHMM = /^([01]?\d|2[0-4]):([0-5]\d)$/;

/** "07:30" → 450; "24:00" → 1440; anything else → undefined. */
export function minuteOf(text: string): number | undefined {
  const m = HHMM.exec(text.trim());
  if (!m) return undefined;
  const minute = Number(m[1]) * 60 + Number(m[2]);
  return minute <= 1440 ? minute : undefined;
}

export function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** "Mon–Fri 07:00–18:00; Sat 10:00–14:00" style summary, for tables. */
export function weekText(intervals: readonly TimeInterval[]): string {
  if (intervals.length === 0) return 'never';
  return [...intervals]
    .sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute)
    .map((i) => `${WEEKDAYS[i.weekday]!.slice(0, 3)} ${hhmm(i.startMinute)}–${hhmm(i.endMinute)}`)
    .join(', ');
}
