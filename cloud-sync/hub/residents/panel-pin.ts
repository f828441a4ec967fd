/**
 * A resident's panel PIN, set and cleared in the resident app: the resident confirms at their panel with
 * it before changing their doorbell there (device/resident-panel/). Stored as a scrypt hash only; the
 * hash goes to the panels of the resident's own building in their snapshot (a one-row patch right away,
 * like any change of the resident's own fields), and no API ever returns it or the PIN.
 */

import { hashScrypt } from '../../../lib/crypto/scrypt-hash.ts';
import { PortvaktError } from '../../../lib/errors.ts';
import type { PanelPinStatus } from '../../protocol/resident-panel.ts';
import type { ConfigPublisher } from '../config/publisher.ts';
import type { HubStore } from '../store/hub-store.ts';
import { buildingOf } from './self-doorbell.ts';

type Store = Pick<HubStore, 'entities' | 'snapshots' | 'panelPins' | 'hidingProfiles' | 'transaction'>;
type Publisher = Pick<ConfigPublisher, 'residentRowChanged'>;

export function panelPinStatus(store: Store, residentId: string): PanelPinStatus {
  return store.panelPins.status(residentId);
}

/** `pin` is already checked (protocol's panelPin): 4–8 digits, not trivial. */
export async function setPanelPin(
  store: Store,
  publisher: Publisher,
  residentId: string,
  pin: string,
  now: number,
): Promise<PanelPinStatus> {
  const resident = store.entities.get('residents', residentId);
  if (resident.status !== 'active')
    throw new PortvaktError('conflict', 'a removed resident has no panel PIN');
  const hash = await hashScrypt(pin);
  publisher.residentRowChanged(residentId, ownBuildingPanels(store, residentId), () =>
    store.panelPins.set(residentId, hash, now),
  );
  return panelPinStatus(store, residentId);
}

export function clearPanelPin(store: Store, publisher: Publisher, residentId: string): PanelPinStatus {
  if (store.panelPins.status(residentId).set)
    publisher.residentRowChanged(residentId, ownBuildingPanels(store, residentId), () =>
      store.panelPins.clear(residentId),
    );
  return panelPinStatus(store, residentId);
}

/** The panels whose snapshot holds the resident and stand in the resident's building (they get the hash). */
function ownBuildingPanels(store: Store, residentId: string): string[] {
  const building = buildingOf(store, store.entities.get('residents', residentId)).id;
  return store.snapshots
    .panelsHoldingResident(residentId)
    .filter((panelId) => store.entities.find('panels', panelId)?.buildingId === building);
}
