/**
 * Doorbells per panel: the bells a panel's directory shows, in their order, with their type, whom they
 * ring, ring times and the door a call may open; create, edit and delete bells, and edit the members of
 * a unit bell (ring order, reception group). A change reaches the panel's directory with the next config
 * version, which the hub publishes at once.
 */
import type { Row } from '../api.ts';
import { MoreApi } from '../api-more.ts';
import { badge, button, h, replace, table } from '../dom.ts';
import { flash, flashLine } from '../flash.ts';
import { errorText, field, select } from '../forms.ts';
import type { Screen, ScreenContext } from '../nav.ts';
import { doorbellForm } from './doorbell-form.ts';
import { membersSection } from './doorbell-members.ts';
import type { Bell, BellLists } from './doorbell-types.ts';

async function load(ctx: ScreenContext, more: MoreApi, panels: Row<'panels'>[]): Promise<BellLists> {
  const buildingId = ctx.building!.id;
  const panel = panels.find((p) => p.id === ctx.params['panel']) ?? panels[0]!;
  const [doors, units, residents, bells, members] = await Promise.all([
    ctx.api.list('doors', { panelId: panel.id }),
    ctx.api.list('units', { buildingId }),
    ctx.api.list('residents', { status: 'active' }),
    more.list('doorbells', { panelId: panel.id }),
    more.list('doorbellMembers'),
  ]);
  const here = new Set(units.map((u) => u.id));
  const ids = new Set(bells.map((b) => b.id));
  // The panel's order: ascending sortKey, equal keys by text.
  bells.sort((a, b) => a.sortKey - b.sortKey || a.displayText.localeCompare(b.displayText));
  return {
    more,
    panel,
    doors,
    units,
    residents: residents.filter((r) => here.has(r.unitId)),
    bells,
    members: members.filter((m) => ids.has(m.doorbellId)),
  };
}

function whom(lists: BellLists, bell: Bell): string {
  if (bell.residentId !== null)
    return lists.residents.find((r) => r.id === bell.residentId)?.name ?? bell.residentId;
  const unit = lists.units.find((u) => u.id === bell.unitId)?.name ?? bell.unitId ?? '';
  const count = lists.members.filter((m) => m.doorbellId === bell.id).length;
  return count ? `unit ${unit}: ${count} member(s)` : `unit ${unit}: every resident`;
}

function deleteControls(ctx: ScreenContext, lists: BellLists, bell: Bell): HTMLElement {
  const cell = h('span', { class: 'row' });
  const start = button('Delete', () => ask(), { class: 'danger', testid: 'bell-delete' });
  const ask = () =>
    replace(
      cell,
      `Delete "${bell.displayText}"?`,
      button(
        'Yes, delete',
        () =>
          void (async () => {
            try {
              // One change: the hub deletes the bell's members with it (ON DELETE CASCADE).
              await lists.more.remove('doorbells', bell.id);
              flash('doorbells', 'ok', `Deleted "${bell.displayText}".`);
            } catch (err) {
              flash('doorbells', 'bad', errorText(err));
            }
            ctx.go('doorbells', { panel: lists.panel.id });
          })(),
        { class: 'danger', testid: 'bell-delete-confirm' },
      ),
      button('Cancel', () => replace(cell, start), { class: 'quiet' }),
    );
  replace(cell, start);
  return cell;
}

function bellsTable(ctx: ScreenContext, lists: BellLists): HTMLElement {
  const doorName = new Map(lists.doors.map((d) => [d.id, d.name]));
  const rows = lists.bells.map((b) => [
    h('span', { testid: 'bell-text' }, b.displayText),
    badge(b.type, b.type === 'sequential' || b.type === 'parallel' ? 'warn' : 'plain', 'bell-type'),
    whom(lists, b),
    b.doorId === null ? '—' : (doorName.get(b.doorId) ?? b.doorId),
    String(b.sortKey),
    `${b.ringTimeoutS} s${b.type === 'sequential' ? ` · ${b.stepS} s per step` : ''}`,
    h(
      'span',
      { class: 'row', testid: 'bell-actions', 'data-bell-id': b.id },
      button('Edit', () => ctx.go('doorbells', { panel: lists.panel.id, edit: b.id }), {
        class: 'quiet',
        testid: 'bell-edit',
      }),
      deleteControls(ctx, lists, b),
    ),
  ]);
  return table(
    'bells',
    ['Text', 'Type', 'Rings', 'Door a call opens', 'Order', 'Ring time', ''],
    rows,
    'No bells on this panel yet.',
  );
}

export const doorbellsScreen: Screen = {
  id: 'doorbells',
  title: 'Doorbells',
  render: async (ctx) => {
    const panels = await ctx.api.list('panels', { buildingId: ctx.building!.id });
    if (panels.length === 0)
      return h('p', { class: 'empty' }, 'No panels in this building yet: the operator provisions them.');
    const lists = await load(ctx, new MoreApi(ctx.api), panels);
    const picker = select(
      'panel',
      panels.map((p) => [p.id, p.name] as const),
      lists.panel.id,
      { testid: 'bell-panel' },
    );
    picker.addEventListener('change', () => ctx.go('doorbells', { panel: picker.value }));
    const editing = ctx.params['edit'];
    const bell = lists.bells.find((b) => b.id === editing);
    return h(
      'div',
      {},
      h('div', { class: 'card' }, field('Panel', picker), flashLine('doorbells', 'bell-result')),
      editing === 'new' || bell ? doorbellForm(ctx, lists, bell) : null,
      bell && bell.type !== 'separate' ? membersSection(ctx, lists, bell) : null,
      h(
        'section',
        { class: 'card' },
        h(
          'div',
          { class: 'row' },
          h('h2', {}, `Bells on ${lists.panel.name}`),
          button('New bell', () => ctx.go('doorbells', { panel: lists.panel.id, edit: 'new' }), {
            class: 'primary',
            testid: 'bell-new',
          }),
        ),
        bellsTable(ctx, lists),
      ),
    );
  },
};
