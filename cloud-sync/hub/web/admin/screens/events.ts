/**
 * The building's events: filters (door, resident, card, type, time range), newest first, older pages on
 * demand, live updates (new events appear at the top while the screen is shown; the filters' time range
 * off), and the CSV export of the same filter. Card events name the card and its resident, never a UID.
 */
import type { StoredEventView } from '../../../../protocol/admin-event-view.ts';
import { type EventFilter, MoreApi } from '../api-more.ts';
import { append, badge, button, h, replace } from '../dom.ts';
import { busy, check, checkbox, errorText, field, input, select } from '../forms.ts';
import type { Screen, ScreenContext } from '../nav.ts';
import { downloadBlob } from './download.ts';
import { eventRow, type Names } from './event-row.ts';
import { followEvents } from './events-live.ts';

const PAGE = 50;

/** The types offered in the filter: single types and the groups an administrator asks about. */
const TYPE_CHOICES: readonly (readonly [string, string])[] = [
  ['', 'any type'],
  ['access.granted,access.denied', 'card decisions'],
  ['access.granted', 'access granted'],
  ['access.denied', 'access denied'],
  ['door.unlocked', 'door unlocked'],
  ['door.opened,door.closed', 'door opened / closed'],
  ['alarm.raised,alarm.cleared', 'alarms'],
  ['call.started,call.answered,call.ended,call.door_opened', 'calls'],
  [
    'call.phone_dialing,call.phone_ringing,call.phone_answered,call.phone_ended,call.phone_door_opened',
    'calls to phones',
  ],
  ['card.enrolled', 'card enrolled'],
  ['config.applied,config.rejected,config.door_mismatch', 'config'],
];

function localMs(value: string): number | undefined {
  if (value === '') return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

async function names(ctx: ScreenContext): Promise<Names> {
  const buildingId = ctx.building!.id;
  const [doors, units, residents, panels, cards] = await Promise.all([
    ctx.api.list('doors', { buildingId }),
    ctx.api.list('units', { buildingId }),
    ctx.api.list('residents'),
    ctx.api.list('panels', { buildingId }),
    ctx.api.list('cards'),
  ]);
  const here = new Set(units.map((u) => u.id));
  const residentNames = new Map(residents.filter((r) => here.has(r.unitId)).map((r) => [r.id, r.name]));
  return {
    doors: new Map(doors.map((d) => [d.id, d.name])),
    residents: residentNames,
    panels: new Map(panels.map((p) => [p.id, p.name])),
    cards: new Map(
      cards
        .filter((c) => residentNames.has(c.residentId))
        .map((c) => [c.id, { residentId: c.residentId, uid: c.uid }]),
    ),
  };
}

export const eventsScreen: Screen = {
  id: 'events',
  title: 'Events',
  render: async (ctx) => {
    const more = new MoreApi(ctx.api);
    const known = await names(ctx);
    const p = ctx.params;
    const door = select('door', [['', 'any door'], ...known.doors], p['door'] ?? '');
    const resident = select('resident', [['', 'any resident'], ...known.residents], p['resident'] ?? '');
    // The administrator knows a card by its holder and the UID printed on it (the events never show UIDs).
    const cardChoices = (holder: string) =>
      [...known.cards]
        .filter(([, c]) => !holder || c.residentId === holder)
        .map(([id, c]) => [id, `${known.residents.get(c.residentId) ?? '?'} · ${c.uid}`] as const)
        .sort((a, b) => a[1].localeCompare(b[1]));
    const card = select('card', [['', 'any card'], ...cardChoices(p['resident'] ?? '')], p['card'] ?? '');
    // A resident picked: their cards only (the card picked before may be someone else's).
    resident.addEventListener('change', () => {
      const options = [['', 'any card'] as const, ...cardChoices(resident.value)];
      card.replaceChildren(...options.map(([v, label]) => h('option', { value: v }, label)));
    });
    const type = select('type', TYPE_CHOICES, p['type'] ?? '');
    const from = input('from', { type: 'datetime-local', value: p['from'] ?? '' });
    const to = input('to', { type: 'datetime-local', value: p['to'] ?? '' });
    const live = checkbox('live', (p['live'] ?? '1') === '1');
    const filter: EventFilter = {
      building: ctx.building!.id,
      door: p['door'] || undefined,
      resident: p['resident'] || undefined,
      card: p['card'] || undefined,
      types: (p['type'] ?? '').split(',').filter(Boolean),
      from: localMs(p['from'] ?? ''),
      to: localMs(p['to'] ?? ''),
    };
    const form = h(
      'form',
      { class: 'card', testid: 'event-filters' },
      h(
        'div',
        { class: 'row' },
        field('Door', door),
        field('Resident', resident),
        field('Card', card),
        field('Type', type),
        field('From', from),
        field('Until', to),
      ),
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'submit', class: 'primary', testid: 'events-apply' }, 'Show'),
        check('Live updates', live),
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const params: Record<string, string> = { live: live.checked ? '1' : '0' };
      for (const [k, el] of Object.entries({ door, resident, card, type, from, to }))
        if (el.value.trim()) params[k] = el.value.trim();
      ctx.go('events', params);
    });

    const status = h('p', { class: 'result', role: 'status', testid: 'events-status' });
    const tbody = h('tbody', { testid: 'events-body' });
    const list = h(
      'table',
      { class: 'grid', testid: 'events' },
      h(
        'thead',
        {},
        h('tr', {}, ...['Time', 'Type', 'Door', 'Panel', 'Details'].map((t) => h('th', { scope: 'col' }, t))),
      ),
      tbody,
    );
    const first = await more.events(filter, { limit: PAGE });
    for (const e of first.events) append(tbody, eventRow(e, known));
    let before = first.nextBefore;
    const older: HTMLButtonElement = button(
      'Older events',
      () =>
        void busy(older, async () => {
          if (before === null) return;
          try {
            const page = await more.events(filter, { before, limit: PAGE });
            for (const e of page.events) append(tbody, eventRow(e, known));
            before = page.nextBefore;
            older.hidden = page.events.length < PAGE;
          } catch (err) {
            status.className = 'result bad';
            status.textContent = errorText(err);
          }
        }),
      { class: 'quiet', testid: 'events-older' },
    );
    older.hidden = first.events.length < PAGE;

    const exportButton: HTMLButtonElement = button(
      'Export CSV',
      () =>
        void busy(exportButton, async () => {
          try {
            const { blob, nextBefore } = await more.eventsCsv(filter);
            downloadBlob(blob, `events-${ctx.building!.id}.csv`);
            status.className = 'result ok';
            status.textContent =
              nextBefore === null
                ? 'Exported.'
                : 'Exported the newest events the hub puts in one file; narrow the time range for older ones.';
          } catch (err) {
            status.className = 'result bad';
            status.textContent = errorText(err);
          }
        }),
      { testid: 'events-export' },
    );

    const liveBadge = h('span', { testid: 'events-live' });
    // Live updates make sense for "now": a range that ends in the past shows no new events.
    if (live.checked && filter.to === undefined) {
      const newest = (e: StoredEventView) => {
        tbody.prepend(eventRow(e, known, true));
      };
      followEvents(ctx, more, filter, first.nextAfter, newest, (state) =>
        replace(liveBadge, badge(state === 'live' ? 'live' : state, state === 'live' ? 'ok' : 'warn')),
      );
    } else replace(liveBadge, badge('not live'));

    return h(
      'div',
      {},
      form,
      h(
        'section',
        { class: 'card' },
        h('div', { class: 'row' }, h('h2', {}, 'Newest first'), liveBadge, exportButton),
        status,
        first.events.length === 0
          ? h('p', { class: 'empty', testid: 'events-empty' }, 'No events yet.')
          : null,
        list,
        older,
      ),
    );
  },
};
