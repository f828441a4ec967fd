/**
 * Which events a principal may see, as a store filter: the operator any; a building administrator only
 * events of the panels of their buildings. A panel or building named in the query must be theirs (404 as
 * if absent otherwise); door, resident and card only narrow what is already in scope, so naming another
 * building's ids shows nothing rather than confirming they exist.
 */

import type { Principal } from '../accounts/principal.ts';
import type { ScopedEntities } from '../accounts/scoped-entities.ts';
import type { EventFilter } from '../store/event-filter.ts';

export interface EventSelection {
  panel?: string | undefined;
  building?: string | undefined;
  door?: string | undefined;
  resident?: string | undefined;
  card?: string | undefined;
  type?: readonly string[] | undefined;
  from?: number | undefined;
  to?: number | undefined;
}

export function scopedEventFilter(
  principal: Principal,
  entities: ScopedEntities,
  q: EventSelection,
): EventFilter {
  if (q.panel !== undefined) entities.check('panels', q.panel);
  if (q.building !== undefined) entities.check('buildings', q.building);
  const own = principal.kind === 'operator' ? undefined : [...principal.buildingIds];
  return {
    panelId: q.panel,
    buildingIds: q.building !== undefined ? [q.building] : own,
    doorId: q.door,
    residentId: q.resident,
    cardId: q.card,
    types: q.type,
    from: q.from,
    to: q.to,
  };
}

/** Whether a principal (looked up again later, e.g. by a long-lived stream) still covers a filter. */
export function stillCovers(principal: Principal, filter: EventFilter): boolean {
  if (principal.kind === 'operator') return true;
  const buildings = filter.buildingIds;
  return buildings?.every((b) => principal.buildingIds.has(b)) ?? false;
}
