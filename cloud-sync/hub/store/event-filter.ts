/**
 * The WHERE clause of an events query (event-log.ts): every filter optional, all must match. Resident
 * and card filters read the event's data (card decisions and calls name `residentId`, `cardId`); the
 * building filter follows the panels that belong to the building now.
 */
export interface EventFilter {
  /** Only events of these panels. */
  panelId?: string | undefined;
  /** Only events of panels in one of these buildings (a building administrator's scope). */
  buildingIds?: readonly string[] | undefined;
  doorId?: string | undefined;
  residentId?: string | undefined;
  cardId?: string | undefined;
  types?: readonly string[] | undefined;
  /** Event time (the panel's `ts`): from ≤ ts < to. */
  from?: number | undefined;
  to?: number | undefined;
}

export function eventWhere(f: EventFilter): { clauses: string[]; params: Record<string, unknown> } {
  const clauses: string[] = [];
  const params: Record<string, unknown> = {};
  const add = (clause: string, name: string, value: unknown) => {
    clauses.push(clause);
    params[name] = value;
  };
  if (f.panelId !== undefined) add('panel_id = @panelId', 'panelId', f.panelId);
  if (f.buildingIds !== undefined)
    add(
      'panel_id IN (SELECT id FROM panels WHERE building_id IN (SELECT value FROM json_each(@buildings)))',
      'buildings',
      JSON.stringify(f.buildingIds),
    );
  if (f.doorId !== undefined) add('door_id = @doorId', 'doorId', f.doorId);
  if (f.residentId !== undefined)
    add("json_extract(data, '$.residentId') = @residentId", 'residentId', f.residentId);
  if (f.cardId !== undefined) add("json_extract(data, '$.cardId') = @cardId", 'cardId', f.cardId);
  if (f.types !== undefined && f.types.length > 0)
    add('type IN (SELECT value FROM json_each(@types))', 'types', JSON.stringify(f.types));
  if (f.from !== undefined) add('ts >= @from', 'from', f.from);
  if (f.to !== undefined) add('ts < @to', 'to', f.to);
  return { clauses, params };
}
