/**
 * What the resident app shows about doors and panels: the doors the resident has an access rule for
 * (with whether the rule lets them open it right now — the same check the remote open makes), and the
 * panels that may call them (the app accepts call signaling only from these).
 */
import { ForbiddenError } from '../../../lib/errors.ts';
import type { ResidentDoor, ResidentPanel } from '../../protocol/resident-api.ts';
import { assertResidentMayOpen } from '../signer/resident-access.ts';
import type { Panel, Resident } from '../store/entity-specs.ts';
import type { HubStore } from '../store/hub-store.ts';

/** Door ids the resident has a rule for that has not run out (a rule starting later still counts). */
export function ruledDoorIds(store: HubStore, residentId: string, now: number): string[] {
  const ids = new Set<string>();
  for (const rule of store.entities.list('accessRules', { residentId })) {
    if (rule.validUntil === null || now < rule.validUntil) ids.add(rule.doorId);
  }
  return [...ids];
}

export function residentDoors(store: HubStore, residentId: string, now: number): ResidentDoor[] {
  const e = store.entities;
  const doors: ResidentDoor[] = [];
  for (const doorId of ruledDoorIds(store, residentId, now)) {
    const door = e.find('doors', doorId);
    if (!door) continue;
    const panel = e.get('panels', door.panelId);
    const building = e.get('buildings', panel.buildingId);
    let reason: string | null = null;
    try {
      assertResidentMayOpen(store, residentId, doorId, now);
    } catch (err) {
      if (!(err instanceof ForbiddenError)) throw err;
      reason = 'not allowed at this time';
    }
    doors.push({
      doorId,
      doorName: door.name,
      panelId: panel.id,
      panelName: panel.name,
      buildingId: building.id,
      buildingName: building.name,
      allowedNow: reason === null,
      reason,
    });
  }
  const key = (d: ResidentDoor) => `${d.buildingName}\u0000${d.panelName}\u0000${d.doorName}`;
  return doors.sort((a, b) => key(a).localeCompare(key(b)));
}

/** The panels of the resident's building, plus those of any door they have a rule for elsewhere. */
export function residentPanels(store: HubStore, resident: Resident, now: number): ResidentPanel[] {
  const e = store.entities;
  const unit = e.find('units', resident.unitId);
  const panels = new Map<string, Panel>();
  if (unit) {
    for (const p of e.list('panels', { buildingId: unit.buildingId })) panels.set(p.id, p);
  }
  for (const doorId of ruledDoorIds(store, resident.id, now)) {
    const door = e.find('doors', doorId);
    const panel = door && e.find('panels', door.panelId);
    if (panel) panels.set(panel.id, panel);
  }
  return [...panels.values()].map((p) => {
    const building = e.get('buildings', p.buildingId);
    return { id: p.id, name: p.name, buildingId: building.id, buildingName: building.name };
  });
}
