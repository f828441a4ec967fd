/**
 * A resident's call log, built from the panel events the hub stores: every call whose `call.ringing`
 * event names the resident, newest first, with its outcome as the resident sees it and the visitor
 * picture (from the ringing event, else the call's `call.snapshot` event). Event data comes from panels:
 * every field is checked before it reaches the browser.
 */
import type { Database } from 'better-sqlite3';
import { type CallLogEntry, type CallLogOutcome, callLogEntry } from '../../protocol/resident-api.ts';
import type { HubStore } from '../store/hub-store.ts';

interface CallRef {
  panel_id: string;
  call_id: string;
}

interface Step {
  type: string;
  ts: number;
  data: Record<string, unknown>;
}

export function residentCallLog(store: HubStore, residentId: string, limit: number): CallLogEntry[] {
  const refs = store.db
    .prepare(
      // The expressions match the partial indexes of the resident-sessions migration.
      `SELECT panel_id, json_extract(data, '$.callId') AS call_id FROM events
       WHERE type = 'call.ringing' AND json_extract(data, '$.residentId') = ?
       GROUP BY panel_id, call_id ORDER BY MIN(ts) DESC, MIN(cursor) DESC LIMIT ?`,
    )
    .all(residentId, limit) as CallRef[];
  const entries: CallLogEntry[] = [];
  for (const ref of refs) {
    if (typeof ref.call_id !== 'string') continue;
    const entry = buildEntry(store, residentId, ref, callSteps(store.db, ref));
    const checked = callLogEntry.safeParse(entry);
    if (checked.success) entries.push(checked.data);
  }
  return entries;
}

function callSteps(db: Database, ref: CallRef): Step[] {
  const rows = db
    .prepare(
      // Named: without statistics SQLite prefers the (panel, seq) index and reads all of a panel's events.
      `SELECT type, ts, data FROM events INDEXED BY events_call_steps
       WHERE panel_id = ? AND json_extract(data, '$.callId') = ? AND type LIKE 'call.%'
       ORDER BY seq`,
    )
    .all(ref.panel_id, ref.call_id) as { type: string; ts: number; data: string }[];
  return rows.map((r) => ({ type: r.type, ts: r.ts, data: JSON.parse(r.data) as Record<string, unknown> }));
}

function buildEntry(store: HubStore, residentId: string, ref: CallRef, steps: Step[]): CallLogEntry {
  const first = (type: string, where: (d: Record<string, unknown>) => boolean = () => true) =>
    steps.find((s) => s.type === type && where(s.data));
  const mine = (d: Record<string, unknown>) => d['residentId'] === residentId;
  const started = first('call.started');
  const ringing = first('call.ringing', mine);
  const answered = first('call.answered');
  const ended = first('call.ended');
  const bellId = str(started?.data['bellId']) ?? str(ringing?.data['bellId']) ?? str(ended?.data['bellId']);

  let outcome: CallLogOutcome = 'in_progress';
  if (answered && mine(answered.data)) outcome = 'answered';
  else if (first('call.declined', mine)) outcome = 'declined';
  else if (answered) outcome = 'answered_by_other';
  else if (first('call.fallback')) outcome = 'fallback';
  else if (ended) outcome = 'missed';

  const durationMs = ended?.data['durationMs'];
  const snapshot = ringing?.data['snapshot'] ?? first('call.snapshot')?.data['snapshot'];
  return {
    callId: ref.call_id,
    panelId: ref.panel_id,
    panelName: str(store.entities.find('panels', ref.panel_id)?.name) ?? ref.panel_id,
    bellId,
    bellText: bellId === null ? null : bellText(store, bellId),
    startedAt: (started ?? ringing ?? steps[0])?.ts ?? 0,
    outcome,
    answeredByDevice:
      outcome === 'answered'
        ? (str(answered?.data['deviceId']) ?? str(answered?.data['appDeviceId']) ?? null)
        : null,
    durationMs:
      outcome === 'answered' &&
      typeof durationMs === 'number' &&
      Number.isInteger(durationMs) &&
      durationMs >= 0
        ? durationMs
        : null,
    snapshot: callLogEntry.shape.snapshot.safeParse(snapshot).data ?? null,
  };
}

/** The bell's text as the admin set it (a panel's bell is compiled from the hub's doorbell). */
function bellText(store: HubStore, bellId: string): string | null {
  return str(store.entities.find('doorbells', bellId)?.displayText);
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : null;
}
