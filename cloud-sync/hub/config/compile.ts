/**
 * Compiles one panel's building snapshot: the rows the store selects for that panel
 * (store/snapshot-source.ts says which), validated by the protocol's snapshot schema. Parsing fills
 * defaults and proves the panel will accept what we send; the store sorts rows by id, so the same data
 * always compiles to the same bytes (and hash).
 */
import { createHash } from 'node:crypto';
import { NotFoundError } from '../../../lib/errors.ts';
import { type BuildingSnapshot, buildingSnapshotSchema } from '../../protocol/building-snapshot.ts';
import type { HubStore } from '../store/hub-store.ts';

export function compilePanelSnapshot(store: Pick<HubStore, 'snapshots'>, panelId: string): BuildingSnapshot {
  const rows = store.snapshots.rows(panelId);
  if (!rows) throw new NotFoundError(`no panel "${panelId}"`);
  return buildingSnapshotSchema.parse(rows);
}

export function snapshotHash(snapshot: BuildingSnapshot): string {
  return createHash('sha256').update(JSON.stringify(snapshot)).digest('hex');
}
