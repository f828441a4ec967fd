/**
 * Units and residents of the building: units and their flat numbers (units.ts); create, edit and move
 * residents (the unit select); remove a resident from the building (status "removed": access and doorbell
 * leave every panel, and the answer says which panels applied it); set a resident's app login (the
 * password is shown once).
 */
import type { HubResident } from '../../../../protocol/hub-entities.ts';
import type { Row } from '../api.ts';
import { append, badge, button, h, replace, table } from '../dom.ts';
import { flash, flashLine } from '../flash.ts';
import { outcomeText } from '../format.ts';
import { busy, errorText } from '../forms.ts';
import type { Screen, ScreenContext } from '../nav.ts';
import { residentForm } from './resident-form.ts';
import { unitsSection } from './units.ts';

type Unit = Row<'units'>;

interface Lists {
  units: Unit[];
  residents: HubResident[];
  doors: Row<'doors'>[];
}

async function load(ctx: ScreenContext): Promise<Lists> {
  const buildingId = ctx.building!.id;
  const [units, residents, doors] = await Promise.all([
    ctx.api.list('units', { buildingId }),
    ctx.api.list('residents'),
    ctx.api.list('doors', { buildingId }),
  ]);
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  // By unit, then name: how a building's list of residents is read (ids are random).
  const byUnit = (r: HubResident) => `${unitName.get(r.unitId)}\u0000${r.name}`;
  const here = residents
    .filter((r) => unitName.has(r.unitId))
    .sort((a, b) => byUnit(a).localeCompare(byUnit(b), undefined, { numeric: true }));
  units.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  return { units, residents: here, doors };
}

/** "Remove from the building", asked once more inline (no browser dialogs: they block the page). */
function removeControls(ctx: ScreenContext, r: HubResident, out: HTMLElement): HTMLElement {
  const cell = h('span', { class: 'row' });
  const ask = () =>
    replace(
      cell,
      `Remove ${r.name}?`,
      button('Yes, remove', () => void confirm(), { class: 'danger', testid: 'resident-remove-confirm' }),
      button('Cancel', () => replace(cell, start), { class: 'quiet' }),
    );
  const confirm = async () => {
    out.className = 'result';
    out.textContent = `Removing ${r.name}…`;
    try {
      const reply = await ctx.api.updateResident(r.id, { status: 'removed' });
      flash('residents', 'ok', `${r.name} is removed from the building. ${outcomeText(reply.config)}`);
      ctx.refresh();
    } catch (err) {
      replace(cell, start);
      out.className = 'result bad';
      out.textContent = errorText(err);
    }
  };
  const start = button('Remove from building', ask, { class: 'danger', testid: 'resident-remove' });
  replace(cell, start);
  return cell;
}

function residentsSection(
  ctx: ScreenContext,
  lists: Lists,
  out: HTMLElement,
  once: HTMLElement,
): HTMLElement {
  const unitName = new Map(lists.units.map((u) => [u.id, u.name]));
  const rows = lists.residents.map((r) => {
    const login: HTMLButtonElement = button(
      'Set app login',
      () =>
        void busy(login, async () => {
          try {
            const issued = await ctx.api.setResidentLogin(r.id);
            replace(
              once,
              h('strong', {}, `App login for ${r.name}`),
              h(
                'p',
                {},
                'Hand these to the resident. The password is shown only now; setting a new one ends their sessions.',
              ),
              h(
                'dl',
                { class: 'facts' },
                h('dt', {}, 'Resident id'),
                h('dd', {}, h('code', { testid: 'login-resident-id' }, issued.residentId)),
                h('dt', {}, 'Password'),
                h('dd', {}, h('code', { testid: 'login-password' }, issued.password)),
              ),
            );
            once.hidden = false;
          } catch (err) {
            out.className = 'result bad';
            out.textContent = errorText(err);
          }
        }),
      { testid: 'resident-login', class: 'quiet' },
    );
    const status =
      r.status === 'active'
        ? badge('active', 'ok', 'resident-status')
        : badge('removed', 'bad', 'resident-status');
    const actions = h(
      'span',
      { class: 'row', 'data-resident-id': r.id, testid: 'resident-actions' },
      button('Edit', () => ctx.go('residents', { edit: r.id }), { class: 'quiet', testid: 'resident-edit' }),
      button('Cards', () => ctx.go('cards', { resident: r.id }), {
        class: 'quiet',
        testid: 'resident-cards',
      }),
      r.status === 'active' ? login : null,
      r.status === 'active'
        ? removeControls(ctx, r, out)
        : button(
            'Reinstate',
            () =>
              void ctx.api.updateResident(r.id, { status: 'active' }).then(
                (reply) => {
                  flash('residents', 'ok', `${r.name} is active again. ${outcomeText(reply.config)}`);
                  ctx.refresh();
                },
                (err: unknown) => {
                  out.className = 'result bad';
                  out.textContent = errorText(err);
                },
              ),
            { class: 'quiet', testid: 'resident-reinstate' },
          ),
    );
    return [
      h('span', { testid: 'resident-name' }, r.name),
      unitName.get(r.unitId) ?? r.unitId,
      status,
      r.email ?? '',
      r.phone ?? '',
      actions,
    ];
  });
  return h(
    'section',
    { class: 'card' },
    h(
      'div',
      { class: 'row' },
      h('h2', {}, 'Residents'),
      button('New resident', () => ctx.go('residents', { edit: 'new' }), {
        class: 'primary',
        testid: 'resident-new',
      }),
    ),
    out,
    once,
    table('residents', ['Name', 'Unit', 'Status', 'E-mail', 'Phone', ''], rows, 'No residents yet.'),
  );
}

export const residentsScreen: Screen = {
  id: 'residents',
  title: 'Units & residents',
  render: async (ctx) => {
    const lists = await load(ctx);
    // The outcome of the last change survives the re-render that shows it (ctx.refresh).
    const out = flashLine('residents', 'resident-result');
    const once = h('div', { class: 'once', testid: 'resident-login-once', hidden: true });
    const editing = ctx.params['edit'];
    const resident = lists.residents.find((r) => r.id === editing);
    const section = h('div', {});
    if (editing === 'new' || resident) append(section, residentForm(ctx, lists.units, lists.doors, resident));
    append(section, residentsSection(ctx, lists, out, once), unitsSection(ctx, lists));
    return section;
  },
};
