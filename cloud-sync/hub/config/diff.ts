/**
 * The patch between two compiled snapshots: per list, rows that are new or changed (compared as JSON, which
 * is stable because the compiler emits fixed key order) and ids that disappeared. Lists without changes
 * are left out, so a one-card revocation is a one-row patch.
 */
import type { BuildingSnapshot } from '../../protocol/building-snapshot.ts';
import { ENTITY_NAMES, type EntityName, type EntityRow } from '../../protocol/entities.ts';

export interface SnapshotDiff {
  upsert: { [K in EntityName]?: EntityRow<K>[] };
  delete: { [K in EntityName]?: string[] };
}

export function diffSnapshots(previous: BuildingSnapshot, next: BuildingSnapshot): SnapshotDiff {
  const diff: SnapshotDiff = { upsert: {}, delete: {} };
  // `?? []`: a snapshot stored before a list existed lacks it.
  for (const list of ENTITY_NAMES) diffList(diff.upsert, diff.delete, list, previous[list] ?? [], next[list]);
  return diff;
}

// `{ [L in K]?: … }` rather than SnapshotDiff['upsert']: keyed by the type parameter, TypeScript relates the
// entry for `list` to list K's rows.
function diffList<K extends EntityName>(
  upserts: { [L in K]?: EntityRow<L>[] },
  deletes: { [L in K]?: string[] },
  list: K,
  previous: readonly EntityRow<K>[],
  next: EntityRow<K>[],
): void {
  const before = new Map(previous.map((row) => [row.id, JSON.stringify(row)]));
  const upsert = next.filter((row) => before.get(row.id) !== JSON.stringify(row));
  const nextIds = new Set(next.map((row) => row.id));
  const removed = [...before.keys()].filter((id) => !nextIds.has(id));
  if (upsert.length) upserts[list] = upsert;
  if (removed.length) deletes[list] = removed;
}
