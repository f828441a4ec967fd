/** One event as a table row: when, what, where, and the facts of its data an administrator reads. */
import type { StoredEventView } from '../../../../protocol/admin-event-view.ts';
import { badge, h } from '../dom.ts';
import { dateTime } from '../format.ts';

export interface Names {
  doors: Map<string, string>;
  residents: Map<string, string>;
  panels: Map<string, string>;
  /** The building's cards: whose they are (and their UID, for the filter only). */
  cards: Map<string, { residentId: string; uid: string }>;
}

const TONE: Record<string, 'ok' | 'bad' | 'warn'> = {
  'access.granted': 'ok',
  'access.denied': 'bad',
  'alarm.raised': 'bad',
  'alarm.cleared': 'ok',
  'config.rejected': 'bad',
  'config.door_mismatch': 'warn',
  'call.phone_door_opened': 'ok',
  'installer.pin_refused': 'warn',
  'installer.backoff': 'bad',
  'home_assistant.command_refused': 'warn',
};

/** Event types shown in words (the type itself stays in the row's data-type and the filter). */
export const EVENT_LABELS: Record<string, string> = {
  'call.phone_dialing': 'calling phone',
  'call.phone_ringing': 'phone ringing',
  'call.phone_answered': 'phone answered',
  'call.phone_ended': 'phone call ended',
  'call.phone_door_opened': 'door opened by phone',
  'installer.entered': 'installer mode entered',
  'installer.left': 'installer mode left',
  'installer.pin_refused': 'wrong installer PIN',
  'installer.backoff': 'installer PIN locked out',
  'installer.relay_tested': 'relay tested by installer',
  'installer.logs_exported': 'logs exported by installer',
  'installer.speaker_tested': 'speaker tested by installer',
  'home_assistant.open_requested': 'opened from Home Assistant',
  'home_assistant.command_refused': 'Home Assistant command refused',
};

/** The data fields shown, in this order; a hash (uidHash) is never shown, nor anything nested. */
const SHOWN = [
  'residentId',
  'cardId',
  'reason',
  'outcome',
  'sipStatus',
  'digit',
  'source',
  'alarm',
  'by',
  'requestedBy',
  'version',
  'failures',
  'retryAfterS',
];

function details(e: StoredEventView, names: Names): string {
  const parts: string[] = [];
  for (const key of SHOWN) {
    const value = e.data[key];
    if (typeof value !== 'string' && typeof value !== 'number') continue;
    if (key === 'residentId') parts.push(names.residents.get(String(value)) ?? `resident ${value}`);
    else if (key === 'cardId') {
      const holder = names.cards.get(String(value))?.residentId;
      // Without the UID: the row says whose card it was (the resident is usually named beside it).
      if (holder === undefined || holder !== e.data['residentId'])
        parts.push(holder ? `card of ${names.residents.get(holder) ?? holder}` : `card ${value}`);
    } else parts.push(`${key === 'reason' ? '' : `${key}: `}${value}`);
  }
  return parts.join(' · ');
}

export function eventRow(e: StoredEventView, names: Names, fresh = false): HTMLTableRowElement {
  return h(
    'tr',
    { testid: 'event-row', 'data-cursor': e.cursor, 'data-type': e.type, class: fresh ? 'fresh' : undefined },
    h('td', {}, dateTime(e.ts)),
    h('td', {}, badge(EVENT_LABELS[e.type] ?? e.type, TONE[e.type] ?? 'plain', 'event-type')),
    h('td', {}, e.doorId === null ? '—' : (names.doors.get(e.doorId) ?? e.doorId)),
    h('td', {}, names.panels.get(e.panelId) ?? e.panelId),
    h('td', { testid: 'event-details' }, details(e, names)),
  );
}
