/**
 * Applies the doorbell changes residents make at their panel (device/resident-panel/): each arrives as a
 * `resident.panel_settings_changed` audit event in the panel's in-order event stream, so it is
 * authenticated as that panel (the broker binds the topic to its login), survives a restart or an
 * offline broker in the panel's outbox, and comes in the order it was made.
 *
 * Exactly once: the event's row in panel_resident_changes is written in the transaction that applies
 * it (`Entities.batch`: the change, its change-log entry and its config version commit together; the
 * patch goes out after the commit), so a resent event finds its row and changes nothing.
 *
 * Like an app change: hiding goes through the app's `updateSelfDoorbell`, the bell text through
 * `setSelfBellText` (for the resident's own bells on that panel), attributed to the resident at that
 * panel in the change log. Refused (and recorded with why): data that does not parse, a resident of
 * another building than the panel's, a removed resident, a text for a resident without a bell of their
 * own on that panel.
 */
import type { Clock } from '../../../lib/clock/clock.ts';
import { errorMessage, PortvaktError } from '../../../lib/errors.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import type { EventsMessage } from '../../protocol/messages.ts';
import {
  PANEL_SETTINGS_CHANGED,
  type PanelSettingsChangedData,
  panelSettingsChangedData,
} from '../../protocol/resident-panel.ts';
import type { HubStore } from '../store/hub-store.ts';
import { buildingOf, setSelfBellText, updateSelfDoorbell } from './self-doorbell.ts';

type AuditEvent = EventsMessage['events'][number];

export class PanelSettingsChanges {
  readonly #store: HubStore;
  readonly #clock: Clock;
  readonly #logger: Logger;

  constructor(options: { store: HubStore; clock: Clock; logger: Logger }) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#logger = options.logger.child({ component: 'panel-settings-changes' });
  }

  /** Takes the events the in-order stream just stored (resent ones too: their rows make them no-ops). */
  stored(panelId: string, events: readonly AuditEvent[]): void {
    for (const event of events)
      if (event.type === PANEL_SETTINGS_CHANGED) {
        try {
          this.#take(panelId, event);
        } catch (err) {
          // Never the event stream's problem: it is stored and acked whatever becomes of the change.
          this.#logger.error({ panelId, eventId: event.id, err: errorMessage(err) }, 'panel change failed');
        }
      }
  }

  #take(panelId: string, event: AuditEvent): void {
    const store = this.#store;
    // Taken before (a resent batch): applied or refused then, nothing to do now.
    if (store.panelChanges.of(panelId, event.id)) return;
    const parsed = panelSettingsChangedData.safeParse(event.data);
    const residentId = parsed.success ? parsed.data.residentId : String(event.data['residentId'] ?? '?');
    try {
      if (!parsed.success)
        throw new PortvaktError('invalid_input', parsed.error.issues[0]?.message ?? 'invalid');
      const applied = store.entities.batch(() =>
        store.entities.withActor(panelActor(parsed.data.residentId, panelId), () =>
          this.#apply(panelId, event.id, parsed.data),
        ),
      );
      if (applied)
        this.#logger.info(
          { panelId, residentId, fields: changedFields(parsed.data) },
          'resident changed their doorbell at the panel',
        );
    } catch (err) {
      const detail = errorMessage(err);
      store.panelChanges.refuse(panelId, event.id, residentId.slice(0, 128), detail, this.#clock.now());
      this.#logger.warn({ panelId, residentId, detail }, 'resident change from a panel refused');
    }
  }

  /** Inside the batch: false when the event was taken before (nothing changes). */
  #apply(panelId: string, eventId: string, change: PanelSettingsChangedData): boolean {
    const store = this.#store;
    const e = store.entities;
    const resident = e.find('residents', change.residentId);
    const panel = e.find('panels', panelId);
    // The same message for both: a panel learns nothing about residents of other buildings.
    if (!resident || !panel || buildingOf(store, resident).id !== panel.buildingId)
      throw new PortvaktError(
        'forbidden',
        `resident "${change.residentId}" is not registered in this panel's building`,
      );
    if (resident.status !== 'active') throw new PortvaktError('conflict', 'the resident is removed');
    if (!store.panelChanges.claim(panelId, eventId, resident.id, this.#clock.now())) return false;
    const now = this.#clock.now();
    if (change.hidden !== undefined) updateSelfDoorbell(store, resident.id, { hidden: change.hidden }, now);
    if (change.displayName !== undefined) {
      const bells = e.list('doorbells', { residentId: resident.id, type: 'separate', panelId });
      if (bells.length === 0)
        throw new PortvaktError('conflict', 'the resident has no bell of their own on this panel');
      // null: their name again. setSelfBellText folds a resident-wide display name into every bell first.
      for (const bell of bells)
        setSelfBellText(store, resident.id, bell.id, change.displayName ?? resident.name);
    }
    return true;
  }
}

/** In the change log: the resident, and the panel they made the change at. */
function panelActor(residentId: string, panelId: string): { name: string; accountId: null } {
  return { name: `resident:${residentId}@panel:${panelId}`, accountId: null };
}

const changedFields = (d: PanelSettingsChangedData) =>
  (['displayName', 'hidden'] as const).filter((f) => d[f] !== undefined);
