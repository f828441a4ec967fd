/**
 * Whether a resident may open a door remotely now: the same rules a card tap at that door follows (an
 * access rule for the door, inside its validity window and time profile, read in the building's time
 * zone), so an app cannot open what the resident's card would not.
 */
import { ForbiddenError } from '../../../lib/errors.ts';
import { isWithinSchedule, type ScheduleInterval } from '../../protocol/schedule.ts';
import type { HubStore } from '../store/hub-store.ts';

export function assertResidentMayOpen(
  store: HubStore,
  residentId: string,
  doorId: string,
  now: number,
): void {
  const e = store.entities;
  const door = e.get('doors', doorId);
  const building = e.get('buildings', String(e.get('panels', String(door['panelId']))['buildingId']));
  const timeZone = String(building['timeZone']);
  const rules = e.list('accessRules', { residentId, doorId });
  const allowed = rules.some((rule) => {
    const from = rule['validFrom'] as number | null;
    const until = rule['validUntil'] as number | null;
    if ((from !== null && now < from) || (until !== null && now >= until)) return false;
    const profileId = rule['timeProfileId'] as string | null;
    if (profileId === null) return true;
    const profile = e.find('timeProfiles', profileId);
    return (
      profile !== undefined && isWithinSchedule(profile['intervals'] as ScheduleInterval[], now, timeZone)
    );
  });
  if (!allowed)
    throw new ForbiddenError(
      rules.length === 0
        ? `resident "${residentId}" has no access to door "${doorId}"`
        : `resident "${residentId}" may not open door "${doorId}" now (outside the rule's validity or schedule)`,
    );
}
