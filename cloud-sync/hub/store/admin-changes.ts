/**
 * The administrative change log (migration 7): who changed what, when. Written in the same transaction as
 * the change it describes (an entity change listener), so a change and its record commit together.
 * `detail` names the changed fields and their new values, never secrets (hashes are not entity fields).
 */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import type { AdminChange } from '../../protocol/admin-api.ts';
export type NewAdminChange = Omit<AdminChange, 'seq'>;

const changeRow = z.object({
  seq: z.number().int(),
  at: z.number().int(),
  actor: z.string(),
  account_id: z.string().nullable(),
  action: z.string(),
  entity: z.string(),
  entity_id: z.string(),
  building_id: z.string().nullable(),
  detail: z.string(),
});

export class AdminChanges {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  record(c: NewAdminChange): void {
    this.#db
      .prepare(
        `INSERT INTO admin_changes (at, actor, account_id, action, entity, entity_id, building_id, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        c.at,
        c.actor,
        c.accountId,
        c.action,
        c.entity,
        c.entityId,
        c.buildingId,
        JSON.stringify(c.detail),
      );
  }

  /** Newest first, before `beforeSeq` (a cursor); only the given buildings' when `buildingIds` is set. */
  list(q: {
    beforeSeq?: number | undefined;
    limit: number;
    buildingIds?: readonly string[] | undefined;
  }): AdminChange[] {
    const where = ['seq < ?'];
    const values: unknown[] = [q.beforeSeq ?? Number.MAX_SAFE_INTEGER];
    if (q.buildingIds) {
      where.push(`building_id IN (SELECT value FROM json_each(?))`);
      values.push(JSON.stringify(q.buildingIds));
    }
    return this.#db
      .prepare(`SELECT * FROM admin_changes WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`)
      .all(...values, q.limit)
      .map((raw) => {
        const r = changeRow.parse(raw);
        return {
          seq: r.seq,
          at: r.at,
          actor: r.actor,
          accountId: r.account_id,
          action: r.action,
          entity: r.entity,
          entityId: r.entity_id,
          buildingId: r.building_id,
          detail: JSON.parse(r.detail) as Record<string, unknown>,
        };
      });
  }
}
