/**
 * Records every change of admin data in the change log, inside the change's own transaction (an entity
 * change listener): who made it (the actor the API or CLI attributed it to), what (entity, id, the
 * changed fields and their new values) and when, with the row's building so that a building
 * administrator sees the history of their buildings only.
 */
import type { Clock } from '../../../lib/clock/clock.ts';
import type { EntityChange } from '../store/entities.ts';
import type { HubStore } from '../store/hub-store.ts';

/** Long values (a picture) are logged by their length only. */
const MAX_VALUE_CHARS = 200;

export function recordAdminChanges(store: HubStore, clock: Clock): () => void {
  return store.entities.onChange((changes) => {
    for (const change of changes) {
      const row = (change.after ?? change.before) as Record<string, unknown> | undefined;
      store.adminChanges.record({
        at: clock.now(),
        actor: change.actor.name,
        accountId: change.actor.accountId,
        action: change.before ? (change.after ? 'update' : 'delete') : 'create',
        entity: change.entity,
        entityId: change.id,
        buildingId: row ? (store.scope.buildingOfRow(change.entity, row) ?? null) : null,
        detail: changedFields(change),
      });
    }
    return undefined;
  });
}

function changedFields(change: EntityChange): Record<string, unknown> {
  const before = (change.before ?? {}) as Record<string, unknown>;
  const after = change.after as Record<string, unknown> | undefined;
  if (!after) return {};
  const detail: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(after)) {
    if (field === 'id' || JSON.stringify(value) === JSON.stringify(before[field])) continue;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    detail[field] = text !== undefined && text.length > MAX_VALUE_CHARS ? `(${text.length} chars)` : value;
  }
  return detail;
}
