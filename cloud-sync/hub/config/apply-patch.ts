/**
 * A snapshot with patches applied, the way a panel applies them (deletes, then upserts, by id) and kept in
 * the compiler's order (ids by byte order, as SQLite sorts them), so its hash matches a fresh compile of the
 * same data.
 */
import type { BuildingSnapshot } from '../../protocol/building-snapshot.ts';
import { SNAPSHOT_LISTS, type SnapshotDiff } from './diff.ts';

const byteOrder = (a: { id: string }, b: { id: string }): number =>
  Buffer.compare(Buffer.from(a.id), Buffer.from(b.id));

export function applyPatches(snapshot: BuildingSnapshot, patches: readonly SnapshotDiff[]): BuildingSnapshot {
  if (patches.length === 0) return snapshot;
  const out = { ...snapshot } as Record<string, { id: string }[]>;
  for (const list of SNAPSHOT_LISTS) {
    const touched = patches.some((p) => p.upsert[list]?.length || p.delete[list]?.length);
    if (!touched) continue;
    // `?? []`: a snapshot stored before a list existed lacks it.
    const rows = new Map((out[list] ?? []).map((row) => [row.id, row]));
    for (const patch of patches) {
      for (const id of patch.delete[list] ?? []) rows.delete(id);
      for (const row of (patch.upsert[list] ?? []) as { id: string }[]) rows.set(row.id, row);
    }
    out[list] = [...rows.values()].sort(byteOrder);
  }
  return out as unknown as BuildingSnapshot;
}
