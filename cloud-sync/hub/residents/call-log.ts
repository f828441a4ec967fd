/**
 * A resident's call log, built from the panel events the hub stores: every call whose `call.ringing`
 * (the app) or `call.phone_dialing` (their phone, the SIP fallback) event names the resident, newest
 * first, with its outcome as the resident sees it, how the call to their phone went ("called your phone —
 * answered / busy / no answer …, door opened by phone") and the visitor picture (from the ringing event,
 * else the call's `call.snapshot` event). Event data comes from panels: every field is checked before it
 * reaches the browser.
 */
import {
  type CallLogEntry,
  type CallLogOutcome,
  callLogEntry,
  PHONE_CALL_OUTCOMES,
  type PhoneCallLogPart,
  type PhoneCallOutcome,
} from '../../protocol/resident-api.ts';
import type { CallRef, CallStep } from '../store/call-events.ts';
import type { HubStore } from '../store/hub-store.ts';

export function residentCallLog(store: HubStore, residentId: string, limit: number): CallLogEntry[] {
  const entries: CallLogEntry[] = [];
  for (const ref of store.calls.rangResident(residentId, limit)) {
    const checked = callLogEntry.safeParse(buildEntry(store, residentId, ref, store.calls.steps(ref)));
    if (checked.success) entries.push(checked.data);
  }
  return entries;
}

function buildEntry(store: HubStore, residentId: string, ref: CallRef, steps: CallStep[]): CallLogEntry {
  const first = (type: string, where: (d: Record<string, unknown>) => boolean = () => true) =>
    steps.find((s) => s.type === type && where(s.data));
  const mine = (d: Record<string, unknown>) => d['residentId'] === residentId;
  const started = first('call.started');
  const ringing = first('call.ringing', mine);
  const answered = first('call.answered');
  const ended = first('call.ended');
  const bellId = str(started?.data['bellId']) ?? str(ringing?.data['bellId']) ?? str(ended?.data['bellId']);

  const phone = phonePart(steps, mine);
  const answeredInApp = answered !== undefined && mine(answered.data);

  let outcome: CallLogOutcome = 'in_progress';
  if (answeredInApp || phone?.outcome === 'answered') outcome = 'answered';
  else if (first('call.declined', mine) || phone?.outcome === 'declined') outcome = 'declined';
  else if (answered) outcome = 'answered_by_other';
  // Their phone was called: "fallback" once that call is over, however it went (phone.outcome says how).
  else if (phone) outcome = phone.outcome === 'calling' ? 'in_progress' : 'fallback';
  else if (first('call.fallback')) outcome = 'fallback';
  else if (ended) outcome = 'missed';

  // Answered in the app: the call's length; on the phone: the phone leg's.
  const durationMs = answeredInApp ? ms(ended?.data['durationMs']) : (phone?.durationMs ?? null);
  const snapshot = ringing?.data['snapshot'] ?? first('call.snapshot')?.data['snapshot'];
  return {
    callId: ref.callId,
    panelId: ref.panelId,
    panelName: str(store.entities.find('panels', ref.panelId)?.name) ?? ref.panelId,
    bellId,
    bellText: bellId === null ? null : bellText(store, bellId),
    startedAt: (started ?? ringing ?? steps[0])?.ts ?? 0,
    outcome,
    answeredByDevice: answeredInApp
      ? (str(answered?.data['deviceId']) ?? str(answered?.data['appDeviceId']) ?? null)
      : null,
    durationMs: outcome === 'answered' ? durationMs : null,
    snapshot: callLogEntry.shape.snapshot.safeParse(snapshot).data ?? null,
    phone,
  };
}

/**
 * The call to this resident's phone, from the panel's `call.phone_*` events: null when the panel did not
 * call it; `calling` until `call.phone_ended` says how it went.
 */
function phonePart(
  steps: CallStep[],
  mine: (d: Record<string, unknown>) => boolean,
): PhoneCallLogPart | null {
  const own = steps.filter((s) => s.type.startsWith('call.phone_') && mine(s.data));
  if (own.length === 0) return null;
  const ended = own.find((s) => s.type === 'call.phone_ended');
  const reported = ended?.data['outcome'];
  const outcome: PhoneCallOutcome =
    isPhoneOutcome(reported) && reported !== 'calling' ? reported : ended ? 'failed' : 'calling';
  return {
    outcome,
    doorOpened: own.some((s) => s.type === 'call.phone_door_opened'),
    durationMs: outcome === 'answered' ? ms(ended?.data['durationMs']) : null,
  };
}

const isPhoneOutcome = (value: unknown): value is PhoneCallOutcome =>
  (PHONE_CALL_OUTCOMES as readonly unknown[]).includes(value);

function ms(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}

/** The bell's text as the admin set it (a panel's bell is compiled from the hub's doorbell). */
function bellText(store: HubStore, bellId: string): string | null {
  return str(store.entities.find('doorbells', bellId)?.displayText);
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : null;
}
