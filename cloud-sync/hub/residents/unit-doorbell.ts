/**
 * A unit's doorbell type per panel, as its owner chooses it (protocol/unit-owner.ts). Switching rebuilds
 * the unit's bells on that panel in one batch of the entities repository: one transaction, one config
 * publish, attributed to whoever the caller runs it as (the owner: `resident:<id>`). What the bells had
 * that the owner does not choose (the door a call may open, the ring time, the sort key, a resident's
 * own bell text) carries over to the new bells.
 */
import { randomUUID } from 'node:crypto';
import { ForbiddenError, NotFoundError, ValidationError } from '../../../lib/errors.ts';
import {
  ADMIN_ONLY_BELL_TYPES,
  type UnitDoorbellBody,
  type UnitDoorbellsReply,
} from '../../protocol/unit-owner.ts';
import type { Entities } from '../store/entities.ts';
import type { Doorbell } from '../store/entity-specs.ts';

const adminOnly = (type: string) => (ADMIN_ONLY_BELL_TYPES as readonly string[]).includes(type);

/** The unit's bells on one panel: its unit bells and its residents' separate bells. */
function unitBells(entities: Entities, unitId: string, panelId: string): Doorbell[] {
  const residentIds = new Set(entities.list('residents', { unitId }).map((r) => r.id));
  return entities
    .list('doorbells', { panelId })
    .filter((b) => b.unitId === unitId || (b.residentId !== null && residentIds.has(b.residentId)));
}

export function unitDoorbells(entities: Entities, unitId: string): UnitDoorbellsReply {
  const unit = entities.get('units', unitId);
  const residents = entities.list('residents', { unitId }).filter((r) => r.status === 'active');
  const panels = entities.list('panels', { buildingId: unit.buildingId });
  return {
    unitId,
    unitName: unit.name,
    residents: residents.map((r) => ({ id: r.id, name: r.name })),
    panels: panels.map((p) => {
      const bells = unitBells(entities, unitId, p.id);
      const unitBell = bells.find((b) => b.type !== 'separate');
      const type = unitBell?.type ?? (bells.length > 0 ? 'separate' : null);
      return {
        panelId: p.id,
        panelName: p.name,
        type,
        ownerMayChange: !bells.some((b) => adminOnly(b.type)),
        displayText: unitBell?.displayText ?? null,
        members: unitBell
          ? entities.list('doorbellMembers', { doorbellId: unitBell.id }).map((m) => m.residentId)
          : [],
      };
    }),
  };
}

/** Rebuilds the unit's bells on the panel as `body` says; the caller has checked the owner. */
export function setUnitDoorbell(
  entities: Entities,
  unitId: string,
  panelId: string,
  body: UnitDoorbellBody,
): UnitDoorbellsReply {
  const unit = entities.get('units', unitId);
  const panel = entities.find('panels', panelId);
  if (panel?.buildingId !== unit.buildingId)
    throw new NotFoundError(`no panel "${panelId}" in your unit's building`);
  if (adminOnly(body.type))
    throw new ForbiddenError(
      `${body.type} bells are set by the building's administrator; a unit owner chooses separate, family or business`,
    );
  const before = unitBells(entities, unitId, panelId);
  const held = before.find((b) => adminOnly(b.type));
  if (held)
    throw new ForbiddenError(
      `your unit's bell on this panel is ${held.type}, which only the building's administrator changes`,
    );
  const residents = entities.list('residents', { unitId }).filter((r) => r.status === 'active');
  if (body.type === 'business') {
    const ids = new Set(residents.map((r) => r.id));
    const stranger = body.members.find((m) => !ids.has(m));
    if (stranger !== undefined)
      throw new ValidationError(`reception group: "${stranger}" is not a resident of your unit`);
  }
  // What carries over: the door a call may open and the timing of the first bell there.
  const model = before[0];
  const kept = model
    ? { doorId: model.doorId, sortKey: model.sortKey, ringTimeoutS: model.ringTimeoutS, stepS: model.stepS }
    : {};
  const ownTexts = new Map(
    before.filter((b) => b.residentId !== null).map((b) => [b.residentId!, b.displayText]),
  );
  entities.batch(() => {
    for (const bell of before) {
      for (const m of entities.list('doorbellMembers', { doorbellId: bell.id }))
        entities.remove('doorbellMembers', m.id);
      entities.remove('doorbells', bell.id);
    }
    if (body.type === 'separate') {
      for (const r of residents)
        entities.create('doorbells', {
          id: `bell-${randomUUID()}`,
          panelId,
          residentId: r.id,
          type: 'separate',
          displayText: ownTexts.get(r.id) ?? r.displayName ?? r.name,
          ...kept,
        });
      return;
    }
    const bellId = `bell-${randomUUID()}`;
    entities.create('doorbells', {
      id: bellId,
      panelId,
      unitId,
      type: body.type,
      displayText: body.displayText,
      ...kept,
    });
    if (body.type === 'business')
      for (const [i, residentId] of [...new Set(body.members)].entries())
        entities.create('doorbellMembers', {
          id: `m-${randomUUID()}`,
          doorbellId: bellId,
          residentId,
          position: i,
        });
  });
  return unitDoorbells(entities, unitId);
}
