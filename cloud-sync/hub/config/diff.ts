/**
 * The patch between two compiled snapshots: per list, rows that are new or changed (compared as JSON, which
 * is stable because the compiler emits fixed key order) and ids that disappeared. Lists without changes
 * are left out, so a one-card revocation is a one-row patch.
 */
import type { BuildingSnapshot } from '../../protocol/building-snapshot.ts';

export const SNAPSHOT_LISTS = [
  'buildings',
  'doors',
  'units',
  'residents',
  'cards',
  'timeProfiles',
  'accessRules',
  'bells',
  'bellMembers',
  'appDevices',
] as const;

export type SnapshotList = (typeof SNAPSHOT_LISTS)[number];

export interface SnapshotDiff {
  upsert: Partial<Record<SnapshotList, unknown[]>>;
  delete: Partial<Record<SnapshotList, string[]>>;
}

export function diffSnapshots(previous: BuildingSnapshot, next: BuildingSnapshot): SnapshotDiff {
  const diff: SnapshotDiff = { upsert: {}, delete: {} };
  for (const list of SNAPSHOT_LISTS) {
    // `?? []`: a snapshot stored before a list existed lacks it.
    const before = new Map(
      ((previous[list] ?? []) as { id: string }[]).map((row) => [row.id, JSON.stringify(row)]),
    );
    const after = next[list] as { id: string }[];
    const upsert = after.filter((row) => before.get(row.id) !== JSON.stringify(row));
    const nextIds = new Set(after.map((row) => row.id));
    const removed = [...before.keys()].filter((id) => !nextIds.has(id));
    if (upsert.length) diff.upsert[list] = upsert;
    if (removed.length) diff.delete[list] = removed;
  }
  return diff;
}
