/**
 * Shared by the panel (access decisions) and the hub (remote opening on behalf of a resident).
 *
 * Time profiles are wall-clock rules ("weekdays 07:00–22:00") in the building's time zone, so an instant
 * is converted to the local weekday and minute of day, and only then compared. That makes DST right
 * without special cases: in the fall-back night both passes through 02:xx read as 02:xx (inside a
 * 02:00–03:00 interval twice), and in the spring-forward night no instant reads as 02:xx at all.
 */
export interface LocalWeekTime {
  /** 0 = Monday … 6 = Sunday. */
  readonly weekday: number;
  /** 0 … 1439. */
  readonly minute: number;
}

export interface ScheduleInterval {
  weekday: number;
  /** Inclusive. */
  startMinute: number;
  /** Exclusive (1440 = end of day). */
  endMinute: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

interface ZoneCache {
  format: Intl.DateTimeFormat;
  /** The epoch minute `last` was computed for: every instant in it has the same local time. */
  epochMinute: number;
  last: LocalWeekTime;
}

// Creating a DateTimeFormat costs far more than using one; panels see one or two zones.
const zones = new Map<string, ZoneCache>();

/** Local weekday and minute of day of `epochMs` in IANA zone `timeZone`; throws RangeError for an unknown zone. */
export function localWeekTime(epochMs: number, timeZone: string): LocalWeekTime {
  let zone = zones.get(timeZone);
  if (!zone) {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    zone = { format, epochMinute: Number.NaN, last: { weekday: 0, minute: 0 } };
    zones.set(timeZone, zone);
  }
  // Zone offsets are whole minutes since the 1970s, so the local time only changes on epoch minute edges.
  const epochMinute = Math.floor(epochMs / 60_000);
  if (epochMinute === zone.epochMinute) return zone.last;
  let weekday = 0;
  let hour = 0;
  let minute = 0;
  for (const part of zone.format.formatToParts(epochMs)) {
    if (part.type === 'weekday') weekday = WEEKDAYS[part.value] ?? 0;
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  zone.epochMinute = epochMinute;
  zone.last = { weekday, minute: hour * 60 + minute };
  return zone.last;
}

/** Whether local time `t` falls in one of the intervals (start inclusive, end exclusive). */
export function coversLocalTime(intervals: readonly ScheduleInterval[], t: LocalWeekTime): boolean {
  for (const i of intervals) {
    if (i.weekday === t.weekday && i.startMinute <= t.minute && t.minute < i.endMinute) return true;
  }
  return false;
}

/** Whether instant `epochMs` is inside the profile made of `intervals`, read in `timeZone`. */
export function isWithinSchedule(
  intervals: readonly ScheduleInterval[],
  epochMs: number,
  timeZone: string,
): boolean {
  return coversLocalTime(intervals, localWeekTime(epochMs, timeZone));
}
