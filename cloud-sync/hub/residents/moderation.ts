/**
 * Moderation of what panels show about a resident, by an administrator: reset their display text to
 * their name, remove their picture, or take them off one panel's directory (their bells there go, and
 * unit bells there stop ringing them) while their access stays as it is. Each action is one batch of
 * the entities repository: one transaction, one config publish, every row change attributed to the
 * administrator in the change log (the caller runs it as the administrator's actor).
 */
import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../../../lib/errors.ts';
import type { Entities } from '../store/entities.ts';
import type { Doorbell } from '../store/entity-specs.ts';

export interface ModerationResult {
  residentId: string;
  /** Bells whose text, membership or existence changed. */
  changedBells: string[];
  removedBells: string[];
}

/** Resets the resident's text (on one panel, or everywhere) to their name. */
export function resetDisplayText(entities: Entities, residentId: string, panelId?: string): ModerationResult {
  const resident = entities.get('residents', residentId);
  const filter: Record<string, string> = { residentId, type: 'separate' };
  if (panelId !== undefined) filter['panelId'] = panelId;
  const changed: string[] = [];
  entities.batch(() => {
    for (const bell of entities.list('doorbells', filter)) {
      if (bell.displayText === resident.name) continue;
      entities.update('doorbells', bell.id, { displayText: resident.name });
      changed.push(bell.id);
    }
    // The resident-wide display name is shown where no bell text is: gone with a reset everywhere.
    if (panelId === undefined && resident.displayName !== null)
      entities.update('residents', residentId, { displayName: null });
  });
  return { residentId, changedBells: changed, removedBells: [] };
}

export function removePicture(entities: Entities, residentId: string): ModerationResult {
  const resident = entities.get('residents', residentId);
  if (resident.picture !== null) entities.update('residents', residentId, { picture: null });
  return { residentId, changedBells: [], removedBells: [] };
}

/**
 * Takes the resident off one panel's directory: their separate bells on it are deleted; a unit bell of
 * theirs that rang the whole unit (no members) gets the other residents as members, one that listed
 * them loses that member; a unit bell left with nobody to ring is deleted (an empty member list would
 * ring the whole unit again, them included). Cards and access rules are untouched.
 */
export function removeFromPanel(entities: Entities, residentId: string, panelId: string): ModerationResult {
  const resident = entities.get('residents', residentId);
  const panel = entities.get('panels', panelId);
  const unit = entities.get('units', resident.unitId);
  if (unit.buildingId !== panel.buildingId)
    throw new NotFoundError(`resident "${residentId}" is not in the directory of panel "${panelId}"`);
  const result: ModerationResult = { residentId, changedBells: [], removedBells: [] };
  entities.batch(() => {
    for (const bell of entities.list('doorbells', { panelId })) {
      if (bell.type === 'separate') {
        if (bell.residentId !== residentId) continue;
        entities.remove('doorbells', bell.id);
        result.removedBells.push(bell.id);
        continue;
      }
      const outcome = dropMember(entities, bell, residentId, resident.unitId);
      if (outcome === 'removed') result.removedBells.push(bell.id);
      else if (outcome === 'changed') result.changedBells.push(bell.id);
    }
  });
  return result;
}

function dropMember(
  entities: Entities,
  bell: Doorbell,
  residentId: string,
  unitId: string,
): 'removed' | 'changed' | 'unchanged' {
  const members = entities.list('doorbellMembers', { doorbellId: bell.id });
  let remaining: number;
  if (members.length === 0) {
    // Rings its whole unit: name the others explicitly.
    if (bell.unitId !== unitId) return 'unchanged';
    const others = entities
      .list('residents', { unitId })
      .filter((r) => r.id !== residentId && r.status === 'active');
    for (const [i, other] of others.entries())
      entities.create('doorbellMembers', {
        id: `m-${randomUUID()}`,
        doorbellId: bell.id,
        residentId: other.id,
        position: i,
      });
    remaining = others.length;
  } else {
    const mine = members.filter((m) => m.residentId === residentId);
    if (mine.length === 0) return 'unchanged';
    for (const m of mine) entities.remove('doorbellMembers', m.id);
    remaining = members.length - mine.length;
  }
  if (remaining > 0) return 'changed';
  entities.remove('doorbells', bell.id);
  return 'removed';
}
