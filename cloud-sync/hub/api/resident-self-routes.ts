/**
 * The resident app's self-service routes, under /api/v1/resident/ (resident session token, like the rest
 * of resident-routes.ts). Every route acts on the session's resident only; an id in the path (a bell, a
 * card, an app device) must be one of theirs, or the answer is 404 and nothing changes.
 */
import { ValidationError } from '../../../lib/errors.ts';
import { parseInput } from '../../../lib/http/parse-input.ts';
import type { Router } from '../../../lib/http/router.ts';
import type { ConfigOutcomeView } from '../../protocol/admin-panels.ts';
import type { PanelsOutcome } from '../../protocol/resident-self-service.ts';
import {
  pictureUploadBody,
  selfBellTextBody,
  selfCardAddBody,
  selfCardStatusBody,
  selfDoorbellBody,
  selfProfileBody,
} from '../../protocol/resident-self-service.ts';
import { RateLimit } from '../residents/rate-limit.ts';
import {
  addSelfCard,
  removeSelfDevice,
  selfCards,
  selfDevices,
  setSelfCardStatus,
} from '../residents/self-cards.ts';
import {
  clearSelfPicture,
  residentActor,
  selfDoorbell,
  selfProfile,
  setSelfBellText,
  setSelfPicture,
  updateSelfDoorbell,
  updateSelfProfile,
} from '../residents/self-doorbell.ts';
import { withConfigOutcome } from './config-wait.ts';
import type { HubApiContext } from './context.ts';

/** Picture uploads are decoded on the hub: a few a minute per resident is plenty for a person. */
const PICTURE_UPLOADS = { burst: 20, perMinute: 6 };
/**
 * Every accepted change recompiles panel configs, as an admin change does: a person changes settings a
 * few times a minute, a script looping on PATCH would otherwise keep the hub recompiling.
 */
const CHANGES = { burst: 30, perMinute: 20 };

export function addResidentSelfRoutes(router: Router, ctx: HubApiContext, prefix: string): void {
  const { residents, store, clock } = ctx;
  const uploads = new RateLimit(clock, PICTURE_UPLOADS, 'picture uploads');
  const changes = new RateLimit(clock, CHANGES, 'changes to your settings');
  const me = (req: { headers: { authorization?: string | undefined } }) =>
    residents.authenticate(req.headers.authorization);
  const ok = (body: unknown) => ({ status: 200, body });
  /** Runs a change attributed to the resident in the admin change log. */
  const as = <T>(residentId: string, fn: () => T): T =>
    store.entities.withActor(residentActor(residentId), fn);
  /** Who changed what (field names and row ids only: no phone numbers, addresses or card UIDs). */
  const changed = (residentId: string, what: string, detail: Record<string, unknown> = {}) =>
    residents.selfServiceLogger.info({ residentId, what, ...detail }, 'resident changed their own settings');
  router
    .add('GET', `${prefix}profile`, ({ req }) => ok(selfProfile(store, me(req).residentId)))
    .add('PATCH', `${prefix}profile`, ({ req, body }) => {
      const { residentId } = me(req);
      const patch = parseInput(selfProfileBody, body, 'profile');
      changes.take(residentId);
      const reply = as(residentId, () => updateSelfProfile(store, residentId, patch));
      changed(residentId, 'profile', { fields: Object.keys(patch) });
      return ok(reply);
    })
    .add('GET', `${prefix}doorbell`, ({ req }) => ok(selfDoorbell(store, me(req).residentId)))
    .add('PATCH', `${prefix}doorbell`, ({ req, body }) => {
      const { residentId } = me(req);
      const patch = parseInput(selfDoorbellBody, body, 'doorbell');
      changes.take(residentId);
      const reply = as(residentId, () => updateSelfDoorbell(store, residentId, patch, clock.now()));
      changed(residentId, 'doorbell', { fields: Object.keys(patch) });
      return ok(reply);
    })
    .add('PATCH', `${prefix}doorbell/bells/{bellId}`, ({ req, params, body }) => {
      const { residentId } = me(req);
      const { displayText } = parseInput(selfBellTextBody, body, 'bell text');
      changes.take(residentId);
      const reply = as(residentId, () => setSelfBellText(store, residentId, params['bellId']!, displayText));
      changed(residentId, 'bell text', { bellId: params['bellId'] });
      return ok(reply);
    })
    .add('PUT', `${prefix}doorbell/picture`, async ({ req, body }) => {
      const { residentId } = me(req);
      const { image } = parseInput(pictureUploadBody, body, 'picture');
      uploads.take(residentId);
      changes.take(residentId);
      const file = Buffer.from(image, 'base64');
      if (file.length === 0) throw new ValidationError('picture refused: the file is empty');
      const reply = await setSelfPicture(store, residentId, file);
      changed(residentId, 'picture', { bytesIn: file.length });
      return ok(reply);
    })
    .add('DELETE', `${prefix}doorbell/picture`, ({ req }) => {
      const { residentId } = me(req);
      changes.take(residentId);
      const reply = as(residentId, () => clearSelfPicture(store, residentId));
      changed(residentId, 'picture removed');
      return ok(reply);
    })
    .add('GET', `${prefix}cards`, ({ req }) => ok(selfCards(store, me(req).residentId)))
    // Card changes answer, with ?wait=MS, where they are in force: a resident who blocks a lost card sees
    // when no panel opens for it any more (config-wait.ts, as for the administrator).
    .add('POST', `${prefix}cards`, async ({ req, body, query }) => {
      const { residentId } = me(req);
      const { uid } = parseInput(selfCardAddBody, body, 'card');
      changes.take(residentId);
      const { result, config, waited } = await withConfigOutcome(ctx, query, () =>
        as(residentId, () => addSelfCard(store, residentId, uid)),
      );
      changed(residentId, 'card added', { cardId: result.id });
      return { status: 201, body: { ...result, panels: waited ? panelsOf(store, config) : null } };
    })
    .add('PATCH', `${prefix}cards/{cardId}`, async ({ req, params, body, query }) => {
      const { residentId } = me(req);
      const { status } = parseInput(selfCardStatusBody, body, 'card');
      changes.take(residentId);
      const { result, config, waited } = await withConfigOutcome(ctx, query, () =>
        as(residentId, () => setSelfCardStatus(store, residentId, params['cardId']!, status)),
      );
      changed(residentId, 'card status', { cardId: result.id, status });
      return ok({ ...result, panels: waited ? panelsOf(store, config) : null });
    })
    .add('GET', `${prefix}devices`, ({ req }) => ok({ devices: selfDevices(store, me(req)) }))
    .add('DELETE', `${prefix}devices/{deviceId}`, async ({ req, params }) => {
      const { residentId } = me(req);
      changes.take(residentId);
      as(residentId, () => removeSelfDevice(store, residentId, params['deviceId']!));
      changed(residentId, 'app device logged out', { appDeviceId: params['deviceId'] });
      // Confirmed at the broker before the answer, as on logout.
      await residents.revocations.drain();
      return { status: 204, body: undefined };
    });
}

/** The waited outcome in the resident's terms: panels by name, no versions. */
function panelsOf(store: HubApiContext['store'], config: ConfigOutcomeView): PanelsOutcome {
  const named = (panelId: string) => ({
    panelId,
    panelName: store.entities.find('panels', panelId)?.name ?? panelId,
  });
  return {
    applied: (config.applied ?? []).map((p) => named(p.panelId)),
    notApplied: (config.notApplied ?? []).map((p) => ({ ...named(p.panelId), reason: p.reason })),
  };
}
