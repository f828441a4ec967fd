/**
 * A resident's own profile and doorbell, changed from the resident app. Every change goes through the
 * entities repository, so the config publisher recompiles the panels it affects exactly as for an admin
 * change. The resident is always the session's: nothing here takes a resident id from the request, and a
 * bell id is accepted only when the bell is the caller's own separate bell.
 *
 * Where things live: the display text is per panel (the text of the resident's separate bell there); the
 * picture, hiding and ringtone are the resident row's and apply on every panel (the protocol's directory
 * has one resident row per panel snapshot). A resident-wide display name (an older way to set the text)
 * is folded into the bell texts the first time the resident sets a bell text, so nothing visible changes
 * on the other panels.
 */
import { createHash } from 'node:crypto';
import { ForbiddenError, NotFoundError, PortvaktError, ValidationError } from '../../../lib/errors.ts';
import {
  HIDE_UNTIL_MAX_MS,
  type SelfDoorbell,
  type SelfDoorbellBody,
  type SelfProfile,
  type SelfProfileBody,
  type WeeklyInterval,
} from '../../protocol/resident-self-service.ts';
import type { Building, Doorbell, Resident } from '../store/entity-specs.ts';
import type { HubStore } from '../store/hub-store.ts';
import { reencodePicture } from './picture.ts';

type Store = Pick<HubStore, 'entities' | 'hidingProfiles' | 'transaction'>;

export function buildingOf(store: Store, resident: Resident): Building {
  const unit = store.entities.get('units', resident.unitId);
  return store.entities.get('buildings', unit.buildingId);
}

export function selfProfile(store: Store, residentId: string): SelfProfile {
  const r = store.entities.get('residents', residentId);
  return { name: r.name, phone: r.phone, email: r.email };
}

export function updateSelfProfile(store: Store, residentId: string, body: SelfProfileBody): SelfProfile {
  const patch: Partial<Resident> = {};
  if (body.name !== undefined) patch.name = body.name;
  if (body.phone !== undefined) patch.phone = body.phone;
  if (body.email !== undefined) patch.email = body.email;
  if (Object.keys(patch).length > 0) store.entities.update('residents', residentId, patch);
  return selfProfile(store, residentId);
}

const ownBells = (store: Store, residentId: string): Doorbell[] =>
  store.entities.list('doorbells', { residentId, type: 'separate' });

export function selfDoorbell(store: Store, residentId: string): SelfDoorbell {
  const e = store.entities;
  const r = e.get('residents', residentId);
  const picturesAllowed = buildingOf(store, r).picturesAllowed;
  const panelName = (id: string) => e.find('panels', id)?.name ?? id;
  const weekly =
    r.hiddenProfileId === null ? [] : (e.find('timeProfiles', r.hiddenProfileId)?.intervals ?? []);
  return {
    bells: ownBells(store, residentId).map((b) => ({
      bellId: b.id,
      panelId: b.panelId,
      panelName: panelName(b.panelId),
      // What the panel shows (device/intercom/directory.ts): the resident-wide name wins where set.
      displayText: r.displayName ?? b.displayText,
      picturesAllowed,
    })),
    unitBells: e
      .list('doorbells', { unitId: r.unitId })
      .filter((b) => b.type !== 'separate')
      .map((b) => ({
        bellId: b.id,
        panelId: b.panelId,
        panelName: panelName(b.panelId),
        displayText: b.displayText,
        type: b.type,
      })),
    picturesAllowed,
    picture: r.picture,
    hidden: r.hidden,
    hiddenUntil: r.hiddenUntil,
    hiddenWeekly: weekly,
    ringtone: r.ringtone,
  };
}

export function updateSelfDoorbell(
  store: Store,
  residentId: string,
  body: SelfDoorbellBody,
  now: number,
): SelfDoorbell {
  const patch: Partial<Resident> = {};
  if (body.hidden !== undefined) patch.hidden = body.hidden;
  if (body.ringtone !== undefined) patch.ringtone = body.ringtone;
  if (body.hiddenUntil !== undefined) {
    const until = body.hiddenUntil;
    if (until !== null && (until <= now || until > now + HIDE_UNTIL_MAX_MS))
      throw new ValidationError('invalid doorbell: hiddenUntil must be in the future, at most a year ahead');
    patch.hiddenUntil = until;
  }
  store.transaction(() => {
    if (body.hiddenWeekly !== undefined)
      patch.hiddenProfileId =
        body.hiddenWeekly.length === 0 ? null : ownHidingProfile(store, residentId, body.hiddenWeekly);
    if (Object.keys(patch).length > 0) store.entities.update('residents', residentId, patch);
  });
  return selfDoorbell(store, residentId);
}

/** Writes the intervals into the resident's own hiding profile (made on first use); returns its id. */
function ownHidingProfile(store: Store, residentId: string, intervals: WeeklyInterval[]): string {
  const e = store.entities;
  const owned = store.hidingProfiles.of(residentId);
  if (owned !== undefined) {
    e.update('timeProfiles', owned, { intervals });
    return owned;
  }
  // Short resident ids give a readable id; a long one (ids may have 128 chars) a hash of it.
  const id =
    residentId.length <= 100
      ? `hide-${residentId}`
      : `hide-${createHash('sha256').update(residentId).digest('hex')}`;
  if (e.find('timeProfiles', id))
    throw new PortvaktError(
      'conflict',
      'a time profile with the id of your hiding schedule exists; ask the administrator',
    );
  const building = buildingOf(store, e.get('residents', residentId));
  e.create('timeProfiles', {
    id,
    buildingId: building.id,
    name: 'Hidden (set in the resident app)',
    intervals,
  });
  store.hidingProfiles.own(residentId, id);
  return id;
}

/** Sets the text of the caller's own bell on one panel. */
export function setSelfBellText(
  store: Store,
  residentId: string,
  bellId: string,
  text: string,
): SelfDoorbell {
  const e = store.entities;
  const bell = e.find('doorbells', bellId);
  // Another resident's bell and no bell look alike: the caller learns nothing about other bells.
  if (bell?.type !== 'separate' || bell.residentId !== residentId)
    throw new NotFoundError(`no doorbell "${bellId}" of yours`);
  const r = e.get('residents', residentId);
  store.transaction(() => {
    if (r.displayName !== null) {
      for (const other of ownBells(store, residentId))
        if (other.id !== bellId) e.update('doorbells', other.id, { displayText: r.displayName });
      e.update('residents', residentId, { displayName: null });
    }
    e.update('doorbells', bellId, { displayText: text });
  });
  return selfDoorbell(store, residentId);
}

/** Re-encodes and stores the resident's picture; refused where the building does not allow pictures. */
export async function setSelfPicture(store: Store, residentId: string, file: Buffer): Promise<SelfDoorbell> {
  const r = store.entities.get('residents', residentId);
  if (!buildingOf(store, r).picturesAllowed)
    throw new ForbiddenError('your building does not allow pictures on its panels');
  const picture = await reencodePicture(file);
  store.entities.withActor(residentActor(residentId), () =>
    store.entities.update('residents', residentId, { picture }),
  );
  return selfDoorbell(store, residentId);
}

export function clearSelfPicture(store: Store, residentId: string): SelfDoorbell {
  if (store.entities.get('residents', residentId).picture !== null)
    store.entities.update('residents', residentId, { picture: null });
  return selfDoorbell(store, residentId);
}

/** Self-service changes are the resident's in the admin change log. */
export function residentActor(residentId: string): { name: string; accountId: null } {
  return { name: `resident:${residentId}`, accountId: null };
}
