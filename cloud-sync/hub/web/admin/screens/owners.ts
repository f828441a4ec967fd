/**
 * Unit owners: per unit, the resident who chooses in the resident app how the unit rings on each panel
 * (separate, family or business; sequential and parallel stay the administrator's, under Doorbells).
 * At most one owner per unit; an owner who moves out or is removed owns nothing any more (the hub sees
 * to that). Every change is in the change log.
 */
import { MoreApi } from '../api-more.ts';
import { button, h, table } from '../dom.ts';
import { flash, flashLine } from '../flash.ts';
import { busy, errorText, select } from '../forms.ts';
import type { Screen } from '../nav.ts';

/** The owner of each unit is one request per unit: a few at a time, not hundreds at once. */
async function inBatches<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

export const ownersScreen: Screen = {
  id: 'owners',
  title: 'Unit owners',
  render: async (ctx) => {
    const more = new MoreApi(ctx.api);
    const buildingId = ctx.building!.id;
    const [units, residents] = await Promise.all([
      ctx.api.list('units', { buildingId }),
      ctx.api.list('residents', { status: 'active' }),
    ]);
    const owners = await inBatches(units, 8, (u) => more.unitOwner(u.id));
    const ownerOf = new Map(owners.map((o) => [o.unitId, o.ownerResidentId]));
    const out = flashLine('owners', 'owner-result');
    const rows = [...units]
      .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }))
      .map((unit) => {
        const mine = residents.filter((r) => r.unitId === unit.id);
        const current = ownerOf.get(unit.id) ?? null;
        const choice = select(
          'owner',
          [['', 'no owner'] as const, ...mine.map((r) => [r.id, r.name] as const)],
          current ?? '',
          { 'aria-label': `Owner of ${unit.name}`, testid: 'owner-choice' },
        );
        const save: HTMLButtonElement = button(
          'Save',
          () =>
            void busy(save, async () => {
              try {
                const reply = await more.setUnitOwner(unit.id, choice.value || null);
                const name = mine.find((r) => r.id === reply.ownerResidentId)?.name;
                flash('owners', 'ok', name ? `${name} owns ${unit.name}.` : `${unit.name} has no owner.`);
              } catch (err) {
                flash('owners', 'bad', errorText(err));
              }
              ctx.refresh();
            }),
          { class: 'quiet', testid: 'owner-save' },
        );
        return [
          unit.name,
          h('span', { class: 'row', testid: 'owner-row', 'data-unit-id': unit.id }, choice, save),
        ];
      });
    return h(
      'div',
      {},
      out,
      h(
        'section',
        { class: 'card' },
        h(
          'p',
          { class: 'hint' },
          'The owner chooses in the resident app whether the unit has one bell (family or business) or each resident their own, per panel.',
        ),
        table('owners', ['Unit', 'Owner'], rows, 'No units yet: add them under Units & residents.'),
      ),
    );
  },
};
