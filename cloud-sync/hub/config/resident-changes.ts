/**
 * The fast path for a resident's own fields (doorbell text, hiding, ringtone, phone, removal): the one-row
 * patch each panel holding the resident needs, without recompiling its snapshot (a large building takes
 * hundreds of milliseconds, and a removed resident's name must leave the panels at once). Only a change
 * that leaves the resident on the same panels qualifies: same unit (unit bells ring a whole unit) and
 * same hiding profile (a profile row would come or go); anything else is recompiled. The recompile that
 * follows every fast-path patch confirms it, or corrects it with the next version.
 */
import { residentSchema } from '../../protocol/building.ts';
import type { EntityChange } from '../store/entities.ts';
import type { HubStore } from '../store/hub-store.ts';
import type { SnapshotDiff } from './diff.ts';

/** The patches a resident change needs, or undefined when it must be recompiled. */
export function residentChangeDiffs(
  store: Pick<HubStore, 'snapshots'>,
  change: EntityChange<'residents'>,
): Map<string, SnapshotDiff> | undefined {
  const { before, after } = change;
  if (!before || !after) return undefined;
  if (before.unitId !== after.unitId || before.hiddenProfileId !== after.hiddenProfileId) return undefined;
  // Written unchanged (an import, a form saved as it was): no panel needs anything.
  if (JSON.stringify(before) === JSON.stringify(after)) return new Map();
  return residentRowDiffs(store, after.id, store.snapshots.panelsHoldingResident(after.id));
}

/** The resident's row as each of these panels' snapshots has it now, as a one-row patch per panel. */
export function residentRowDiffs(
  store: Pick<HubStore, 'snapshots'>,
  residentId: string,
  panelIds: readonly string[],
): Map<string, SnapshotDiff> {
  const diffs = new Map<string, SnapshotDiff>();
  for (const panelId of panelIds) {
    // The protocol's row: parsing checks it as the panel will.
    const row = residentSchema.parse(store.snapshots.residentRow(panelId, residentId));
    diffs.set(panelId, { upsert: { residents: [row] }, delete: {} });
  }
  return diffs;
}
