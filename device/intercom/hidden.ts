/**
 * Whether a resident is hidden at an instant: by their own switch, until a time, or during the intervals of
 * a weekly time profile. The profile is read in its building's time zone, by the same wall-clock rule as
 * access schedules (schedule.ts), so "hidden 22:00–07:00" stays 22:00–07:00 across DST changes.
 */
import { isWithinSchedule, type ScheduleInterval } from '../../cloud-sync/protocol/schedule.ts';

export interface Hiding {
  hidden: boolean;
  /** Exclusive; null = no limit. */
  hiddenUntil: number | null;
  hiddenProfileId: string | null;
}

export interface HidingProfile {
  timeZone: string;
  intervals: readonly ScheduleInterval[];
}

export function isHiddenAt(
  resident: Hiding,
  now: number,
  profile: (id: string) => HidingProfile | undefined,
): boolean {
  if (resident.hidden) return true;
  if (resident.hiddenUntil !== null && now < resident.hiddenUntil) return true;
  if (resident.hiddenProfileId === null) return false;
  const p = profile(resident.hiddenProfileId);
  return p !== undefined && isWithinSchedule(p.intervals, now, p.timeZone);
}
