/**
 * The building data a panel decides on, as one validated object: what the demo seeder writes and what
 * cloud sync sends, one list per entry of the entity table (entities.ts). Structure and per-row rules are
 * checked here; references between rows (a card's resident, a rule's door) are left to the database's
 * foreign keys, so a snapshot is applied whole or not at all by `replaceBuildingData`. Every list defaults
 * to empty, so snapshots from before a list existed stay valid.
 */
import { z } from 'zod';
import { unitNumberIssues } from './building.ts';
import { reportDirectoryIssues } from './directory.ts';
import { ENTITIES, ENTITY_NAMES, type EntityName, type EntityRow, perEntity } from './entities.ts';
import { reportDuplicates } from './rules.ts';

const listSchema = <K extends EntityName>(name: K) => z.array(ENTITIES[name].schema).default([]);

/** The snapshot's shape: each list holds its own rows (generic code over K keeps them apart). */
type SnapshotLists = { [K in EntityName]: ReturnType<typeof listSchema<K>> };

// perEntity types every value as a list of any row; each one is `listSchema(K)` for its own key K.
const lists = perEntity(listSchema) as SnapshotLists;

function reportDuplicateIds<K extends EntityName>(
  ctx: z.RefinementCtx,
  list: K,
  rows: readonly EntityRow<K>[],
) {
  reportDuplicates(ctx, list, rows, 'id', (row) => `duplicate id "${row.id}"`);
}

function reportDuplicateValues<K extends EntityName>(
  ctx: z.RefinementCtx,
  list: K,
  rows: readonly EntityRow<K>[],
): void {
  const { label, unique = [] } = ENTITIES[list];
  for (const field of unique)
    reportDuplicates(ctx, list, rows, field, (row) => `duplicate ${label} ${field} on "${row.id}"`);
}

export const buildingSnapshotSchema = z
  .object(lists)
  .strict()
  .superRefine((snap, ctx) => {
    // Every list's ids first, then the other unique fields: the order the issues have always come in.
    for (const list of ENTITY_NAMES) reportDuplicateIds(ctx, list, snap[list]);
    for (const list of ENTITY_NAMES) reportDuplicateValues(ctx, list, snap[list]);
    for (const { index, message } of unitNumberIssues(snap.units))
      ctx.addIssue({ code: 'custom', path: ['units', index, 'number'], message });
    reportDirectoryIssues(ctx, snap);
  });

export type BuildingSnapshot = z.output<typeof buildingSnapshotSchema>;
export type BuildingSnapshotInput = z.input<typeof buildingSnapshotSchema>;
