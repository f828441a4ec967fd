/**
 * Whether a resident may open a door remotely now: the same rules a card tap at that door follows (an
 * access rule for the door, inside its validity window and time profile, read in the building's time
 * zone), so an app cannot open what the resident's card would not.
 */
import { ForbiddenError } from '../../../lib/errors.ts';
import { isWithinSchedule } from '../../protocol/schedule.ts';
import type { HubStore } from '../store/hub-store.ts';

export function assertResidentMayOpen(
  store: HubStore,
  residentId: string,
  doorId: string,
  now: number,
): void {
  const e = store.entities;
  const door = e.get('doors', doorId);
  const { timeZone } = e.get('buildings', e.get('panels', door.panelId).buildingId);
  const rules = e.list('accessRules', { residentId, doorId });
  const allowed = rules.some((rule) => {
    const { validFrom: from, validUntil: until, timeProfileId } = rule;
    if ((from !== null && now < from) || (until !== null && now >= until)) return false;
    if (timeProfileId === null) return true;
    const profile = e.find('timeProfiles', timeProfileId);
    return profile !== undefined && isWithinSchedule(profile.intervals, now, timeZone);
  });
  if (!allowed)
    throw new ForbiddenError(
      rules.length === 0
        ? `resident "${residentId}" has no access to door "${doorId}"`
        : `resident "${residentId}" may not open door "${doorId}" now (outside the rule's validity or schedule)`,
    );
}
