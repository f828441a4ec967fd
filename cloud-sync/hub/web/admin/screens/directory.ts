/**
 * Directory policy and moderation: the building's "pictures allowed" policy (off: no picture reaches any
 * of its panels), and per panel what its directory shows — each bell's text and picture, with the
 * moderator's actions for an offensive one: remove the text (back to the resident's name), remove the
 * picture, or remove the resident from this panel's directory (their access stays). Each action is one
 * change, in the change log under the administrator's name, and reaches the panel at once.
 */
import type { HubResident } from '../../../../protocol/hub-entities.ts';
import type { Row } from '../api.ts';
import { MoreApi, type MoreRow } from '../api-more.ts';
import { badge, button, h, table } from '../dom.ts';
import { flash, flashLine } from '../flash.ts';
import { busy, check, checkbox, errorText, field, select } from '../forms.ts';
import type { Screen, ScreenContext } from '../nav.ts';
import { moderationActions } from './moderation-actions.ts';

type Bell = MoreRow<'doorbells'>;

function policyCard(ctx: ScreenContext): HTMLElement {
  const building = ctx.building!;
  const box = checkbox('picturesAllowed', building.picturesAllowed);
  const save: HTMLButtonElement = button(
    'Save policy',
    () =>
      void busy(save, async () => {
        try {
          await ctx.api.update('buildings', building.id, { picturesAllowed: box.checked });
          flash(
            'directory',
            'ok',
            box.checked
              ? 'Pictures are allowed: residents’ pictures show on the panels.'
              : 'Pictures are not allowed: no picture shows on this building’s panels.',
          );
          await ctx.reloadBuildings();
        } catch (err) {
          flash('directory', 'bad', errorText(err));
          ctx.refresh();
        }
      }),
    { testid: 'policy-save' },
  );
  return h(
    'section',
    { class: 'card', testid: 'directory-policy' },
    h('h2', {}, 'Directory policy'),
    h('div', { class: 'row' }, check(`Pictures allowed in ${building.name}`, box), save),
    h(
      'p',
      { class: 'hint' },
      'Residents choose their own picture in the app; it shows only while this is on. Texts are always shown.',
    ),
  );
}

/** Who a bell shows: a separate bell its resident; a unit bell its members, or every resident of the unit. */
function shownResidents(bell: Bell, residents: HubResident[], members: MoreRow<'doorbellMembers'>[]) {
  if (bell.residentId !== null) return residents.filter((r) => r.id === bell.residentId);
  const ids = new Set(members.filter((m) => m.doorbellId === bell.id).map((m) => m.residentId));
  return residents.filter((r) => (ids.size ? ids.has(r.id) : r.unitId === bell.unitId));
}

function directoryTable(
  ctx: ScreenContext,
  more: MoreApi,
  panel: Row<'panels'>,
  bells: Bell[],
  residents: HubResident[],
  members: MoreRow<'doorbellMembers'>[],
): HTMLElement {
  const picturesAllowed = ctx.building!.picturesAllowed;
  const rows = bells.flatMap((bell) =>
    shownResidents(bell, residents, members).map((r) => [
      // A separate bell shows the resident's own display name when they set one.
      h(
        'span',
        { testid: 'directory-text' },
        bell.type === 'separate' ? (r.displayName ?? bell.displayText) : bell.displayText,
      ),
      badge(bell.type === 'separate' ? 'own bell' : bell.type),
      h('span', { testid: 'directory-resident' }, r.name),
      r.picture
        ? h('img', {
            src: r.picture,
            alt: `picture of ${r.name}`,
            width: 48,
            height: 48,
            testid: 'directory-picture',
            title: picturesAllowed ? 'shown on the panel' : 'not shown: pictures are not allowed',
          })
        : '—',
      moderationActions(ctx, more, { panel, bell, resident: r }),
    ]),
  );
  return table(
    'directory',
    ['Text on the panel', 'Bell', 'Resident', 'Picture', 'Moderation'],
    rows,
    'Nobody is in this panel’s directory.',
  );
}

export const directoryScreen: Screen = {
  id: 'directory',
  title: 'Directory & moderation',
  render: async (ctx) => {
    const more = new MoreApi(ctx.api);
    const buildingId = ctx.building!.id;
    const panels = await ctx.api.list('panels', { buildingId });
    const out = flashLine('directory', 'directory-result');
    if (panels.length === 0) return h('div', {}, out, policyCard(ctx));
    const panel = panels.find((p) => p.id === ctx.params['panel']) ?? panels[0]!;
    const [bells, residents, members] = await Promise.all([
      more.list('doorbells', { panelId: panel.id }),
      ctx.api.list('residents', { status: 'active' }),
      more.list('doorbellMembers'),
    ]);
    bells.sort((a, b) => a.sortKey - b.sortKey || a.displayText.localeCompare(b.displayText));
    const picker = select(
      'panel',
      panels.map((p) => [p.id, p.name] as const),
      panel.id,
      { testid: 'directory-panel' },
    );
    picker.addEventListener('change', () => ctx.go('directory', { panel: picker.value }));
    return h(
      'div',
      {},
      out,
      policyCard(ctx),
      h(
        'section',
        { class: 'card' },
        h('div', { class: 'row' }, h('h2', {}, 'Directory of'), field('Panel', picker)),
        directoryTable(ctx, more, panel, bells, residents, members),
      ),
    );
  },
};
