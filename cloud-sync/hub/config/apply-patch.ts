/**
 * A snapshot with patches applied, the way a panel applies them (deletes, then upserts, by id) and kept in
 * the compiler's order (ids by byte order, as SQLite sorts them), so its hash matches a fresh compile of the
 * same data.
 */
import type { BuildingSnapshot } from '../../protocol/building-snapshot.ts';
import { ENTITY_NAMES, type EntityName, type EntityRow } from '../../protocol/entities.ts';
import type { SnapshotDiff } from './diff.ts';

const byteOrder = (a: { id: string }, b: { id: string }): number =>
  Buffer.compare(Buffer.from(a.id), Buffer.from(b.id));

export function applyPatches(snapshot: BuildingSnapshot, patches: readonly SnapshotDiff[]): BuildingSnapshot {
  if (patches.length === 0) return snapshot;
  const out = { ...snapshot };
  // `?? []`: a snapshot stored before a list existed lacks it.
  for (const list of ENTITY_NAMES) patchList(out, list, out[list] ?? [], patches);
  return out;
}

// `out` is keyed by the type parameter so that TypeScript relates `out[list]` to list K's rows.
function patchList<K extends EntityName>(
  out: { [L in K]: EntityRow<L>[] },
  list: K,
  current: readonly EntityRow<K>[],
  patches: readonly SnapshotDiff[],
): void {
  const touched = patches.some((p) => p.upsert[list]?.length || p.delete[list]?.length);
  if (!touched) return;
  const rows = new Map(current.map((row) => [row.id, row]));
  for (const patch of patches) {
    for (const id of patch.delete[list] ?? []) rows.delete(id);
    for (const row of patch.upsert[list] ?? []) rows.set(row.id, row);
  }
  out[list] = [...rows.values()].sort(byteOrder);
}
