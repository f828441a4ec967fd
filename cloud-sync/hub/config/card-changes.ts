/**
 * The fast path for the most urgent admin change, a card's (revoked, blocked, added, moved): the one-row
 * patch each affected panel needs, without recompiling its snapshot. A panel's snapshot holds a card when
 * it serves the card's resident, so the panels of the resident before and after the change are affected.
 */
import { cardSchema } from '../../protocol/building.ts';
import type { EntityChange } from '../store/entities.ts';
import type { HubStore } from '../store/hub-store.ts';
import type { SnapshotDiff } from './diff.ts';

export function cardChangeDiffs(
  store: Pick<HubStore, 'snapshots'>,
  change: EntityChange<'cards'>,
): Map<string, SnapshotDiff> {
  const diffs = new Map<string, SnapshotDiff>();
  const { before, after } = change;
  if (after) {
    // The hub's card row is the protocol's: parsing checks it as the panel will.
    const row = cardSchema.parse(after);
    for (const panelId of store.snapshots.panelsServingResident(after.residentId))
      diffs.set(panelId, { upsert: { cards: [row] }, delete: {} });
  }
  if (before) {
    for (const panelId of store.snapshots.panelsServingResident(before.residentId))
      if (!diffs.has(panelId)) diffs.set(panelId, { upsert: {}, delete: { cards: [change.id] } });
  }
  return diffs;
}
