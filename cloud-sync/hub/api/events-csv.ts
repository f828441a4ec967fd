/**
 * Events as CSV for a spreadsheet: one row per event with the fields people filter on, the rest of its
 * data as JSON. The UID hash and pictures are left out (neither is for a spreadsheet), and a cell that a
 * spreadsheet would run as a formula (= + - @, tab, CR) is prefixed with an apostrophe.
 */
import type { StoredEvent } from '../store/event-log.ts';

const COLUMNS = [
  'cursor',
  'time',
  'receivedAt',
  'panelId',
  'type',
  'doorId',
  'readerId',
  'residentId',
  'cardId',
  'reason',
  'details',
] as const;

/** Data fields with their own column, or never exported. */
const NOT_IN_DETAILS = new Set(['residentId', 'cardId', 'reason', 'uidHash', 'snapshot']);

export function eventsCsv(events: readonly StoredEvent[]): string {
  const lines = [COLUMNS.join(',')];
  for (const e of events) {
    const data = e.data as Record<string, unknown>;
    const details = Object.fromEntries(Object.entries(data).filter(([k]) => !NOT_IN_DETAILS.has(k)));
    const row = [
      String(e.cursor),
      new Date(e.ts).toISOString(),
      new Date(e.receivedAt).toISOString(),
      e.panelId,
      e.type,
      e.doorId ?? '',
      e.readerId ?? '',
      text(data['residentId']),
      text(data['cardId']),
      text(data['reason']),
      Object.keys(details).length ? JSON.stringify(details) : '',
    ];
    lines.push(row.map(cell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** RFC 4180 quoting, after defusing formula starts. */
export function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
