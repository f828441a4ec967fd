/**
 * The change log: who changed what and when, newest first, for the picked building (the operator may
 * list every building's). Older pages follow the hub's cursor.
 */
import type { AdminChange } from '../../../../protocol/admin-api.ts';
import { append, button, h, replace, table } from '../dom.ts';
import { dateTime } from '../format.ts';
import { busy, check, checkbox, errorText } from '../forms.ts';
import type { Screen } from '../nav.ts';

const PAGE = 50;
const MAX_VALUE_CHARS = 80;

/** The changed fields as `field = value`, each value cut to a readable length. */
function detailText(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(([k, v]) => {
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      return `${k} = ${text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text}`;
    })
    .join(', ');
}

const row = (c: AdminChange) => [
  h('span', { title: new Date(c.at).toISOString() }, dateTime(c.at)),
  c.actor,
  c.action,
  h('span', {}, `${c.entity} `, h('code', {}, c.entityId)),
  h('span', { class: 'muted wrap' }, detailText(c.detail)),
];

export const changesScreen: Screen = {
  id: 'changes',
  title: 'Change log',
  render: async (ctx) => {
    const all = ctx.me.role === 'operator' && ctx.params['all'] === '1';
    const building = all ? undefined : ctx.building!.id;
    const changes: AdminChange[] = [];
    const first = await ctx.api.changes({ building, limit: PAGE });
    changes.push(...first.changes);
    let next = first.nextBefore;
    const list = h('div', {});
    const out = h('p', { class: 'result', role: 'status' });
    const more: HTMLButtonElement = button(
      'Older changes',
      () =>
        void busy(more, async () => {
          try {
            const page = await ctx.api.changes({ building, limit: PAGE, before: next ?? undefined });
            changes.push(...page.changes);
            next = page.changes.length < PAGE ? null : page.nextBefore;
            draw();
          } catch (err) {
            out.className = 'result bad';
            out.textContent = errorText(err);
          }
        }),
      { testid: 'changes-more' },
    );
    const draw = () => {
      replace(
        list,
        table(
          'changes',
          ['When', 'Who', 'Action', 'What', 'Changed fields'],
          changes.map(row),
          'No changes recorded yet.',
        ),
      );
      more.hidden = next === null || changes.length < PAGE;
    };
    draw();
    const section = h('section', {});
    if (ctx.me.role === 'operator') {
      const everywhere = checkbox('all', all);
      everywhere.addEventListener('change', () => ctx.go('changes', everywhere.checked ? { all: '1' } : {}));
      append(section, check('Every building', everywhere));
    }
    append(section, list, more, out);
    return section;
  },
};
