/**
 * The stored panel events a resident's call log is built from (residents/call-log.ts): the calls that rang
 * a resident and the `call.*` events of one call. The queries use exactly the expressions of the partial
 * indexes of the resident-sessions migration (and of the phone fallback's, 11). Event data comes from panels, so rows are parsed, and a call
 * whose id is not a string is left out.
 */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';

const callRef = z.object({ panelId: z.string(), callId: z.string() });
export type CallRef = z.output<typeof callRef>;

const callStep = z.object({
  type: z.string(),
  ts: z.number(),
  data: z
    .string()
    .transform((text): unknown => JSON.parse(text))
    .pipe(z.record(z.string(), z.unknown())),
});
export type CallStep = z.output<typeof callStep>;

export class CallEvents {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /**
   * Calls that rang the resident — in the app (`call.ringing`) or on their phone (`call.phone_dialing`) —
   * newest first.
   */
  rangResident(residentId: string, limit: number): CallRef[] {
    const rows = this.#db
      .prepare(
        `SELECT panelId, callId FROM (
           SELECT panel_id AS panelId, json_extract(data, '$.callId') AS callId, ts, cursor FROM events
           WHERE type = 'call.ringing' AND json_extract(data, '$.residentId') = @resident
           UNION ALL
           SELECT panel_id, json_extract(data, '$.callId'), ts, cursor FROM events
           WHERE type = 'call.phone_dialing' AND json_extract(data, '$.residentId') = @resident)
         GROUP BY panelId, callId ORDER BY MIN(ts) DESC, MIN(cursor) DESC LIMIT @limit`,
      )
      .all({ resident: residentId, limit });
    return rows.flatMap((row) => callRef.safeParse(row).data ?? []);
  }

  /** The call's `call.*` events in the panel's order. */
  steps(ref: CallRef): CallStep[] {
    const rows = this.#db
      .prepare(
        // Named: without statistics SQLite prefers the (panel, seq) index and reads all of a panel's events.
        `SELECT type, ts, data FROM events INDEXED BY events_call_steps
         WHERE panel_id = ? AND json_extract(data, '$.callId') = ? AND type LIKE 'call.%'
         ORDER BY seq`,
      )
      .all(ref.panelId, ref.callId);
    return rows.map((row) => callStep.parse(row));
  }
}
