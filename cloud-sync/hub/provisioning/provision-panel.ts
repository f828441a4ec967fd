/**
 * Provisioning one panel at the hub — the one code path of `portvakt-hub provision` (which writes the kit
 * to files) and of pairing's claim (which seals it to the panel): the panel row (once), its doors, a
 * random broker password (the hub keeps only its scrypt hash), a random installer token (the hub keeps
 * nothing of it) and, with a SIP edge, its SIP account. All in one transaction: a refusal changes nothing.
 *
 * A panel exists once: provisioning it again is refused, so its working credentials are never replaced by
 * accident; `reissue` is the explicit way to replace them (a lost kit, a leaked password, a replaced unit).
 */
import { NotFoundError, PortvaktError, ValidationError } from '../../../lib/errors.ts';
import { issuePanelSipAccount, type PanelPhoneSection, type SipEdgeAddress } from '../sip/panel-account.ts';
import type { Building, Door, Panel } from '../store/entity-specs.ts';
import type { HubStore } from '../store/hub-store.ts';
import { hashPassword, randomPassword } from '../store/passwords.ts';

export interface ProvisionRequest {
  panelId: string;
  /** Required for a new panel; with `reissue`, when given, it must be the panel's. */
  buildingId?: string | undefined;
  /** The new panel's name (default: its id); an existing panel keeps its own. */
  name?: string | undefined;
  /** Doors of this panel: created when new; an existing door of another panel is refused. */
  doors: readonly { id: string; name: string }[];
  reissue: boolean;
  /** The SIP edge: the panel gets a (new) SIP account; absent: no phone fallback. */
  sip?: SipEdgeAddress | undefined;
  /** Tells how to reissue, in the refusal of a panel that exists (the CLI's flag, the API's field). */
  reissueHint: string;
}

export interface ProvisionedPanel {
  panel: Panel;
  building: Building;
  /** Every door of the panel at the hub, after this. */
  doors: Door[];
  /** Clear text, once: for the kit. */
  brokerPassword: string;
  installerToken: string;
  phone: PanelPhoneSection | undefined;
}

export function provisionPanel(store: HubStore, req: ProvisionRequest, now: number): ProvisionedPanel {
  const brokerPassword = randomPassword();
  const installerToken = randomPassword();
  const { panelId, buildingId, reissue } = req;
  return store.transaction((): ProvisionedPanel => {
    const existing = store.entities.find('panels', panelId);
    if (existing && !reissue)
      throw new PortvaktError(
        'conflict',
        `panel "${panelId}" is already provisioned; its credentials stay valid. To replace them (lost kit, ` +
          `leaked password, replaced unit): ${req.reissueHint}`,
      );
    if (!existing && reissue)
      throw new NotFoundError(`no panel "${panelId}" to reissue: provision it as new`);
    if (!existing && buildingId === undefined) throw new ValidationError('a new panel needs its building');
    if (existing && buildingId !== undefined && existing.buildingId !== buildingId)
      throw new ValidationError(
        `panel "${panelId}" is in building "${existing.buildingId}", not "${buildingId}"`,
      );
    const panel =
      existing ?? store.entities.create('panels', { id: panelId, name: req.name ?? panelId, buildingId });
    for (const door of req.doors) {
      const found = store.entities.find('doors', door.id);
      if (!found) store.entities.create('doors', { ...door, panelId });
      else if (found.panelId !== panelId)
        throw new ValidationError(`door "${door.id}" belongs to panel "${found.panelId}"`);
    }
    store.panels.setPasswordHash(panelId, hashPassword(brokerPassword));
    const phone = req.sip && issuePanelSipAccount(store, panelId, req.sip, now);
    return {
      panel,
      building: store.entities.get('buildings', panel.buildingId),
      doors: store.entities.list('doors', { panelId }),
      brokerPassword,
      installerToken,
      phone,
    };
  });
}
