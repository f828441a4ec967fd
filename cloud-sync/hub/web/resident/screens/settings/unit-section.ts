/**
 * "Your unit's doorbell", for the unit's owner only (hidden for everyone else): per panel (staircase),
 * whether the unit's residents each have their own bell (separate), or the unit has one bell with the
 * family name (family) or the company name and a reception group (business). A panel where the
 * administrator set a sequential or parallel bell is shown, not changeable.
 */
import type { UnitDoorbellBody, UnitDoorbellsReply } from '../../../../../protocol/unit-owner.ts';
import type { ResidentApi } from '../../api.ts';
import { h } from '../../dom.ts';
import { busy, feedback, field } from './form.ts';

const TYPE_NAMES: Record<string, string> = {
  separate: 'Each resident their own bell',
  family: 'One bell with the family name',
  business: 'One bell with the company name (reception group)',
  sequential: 'Rings residents one after another (set by the administrator)',
  parallel: 'Rings all residents at once (set by the administrator)',
};

type PanelView = UnitDoorbellsReply['panels'][number];

export function unitSection(api: ResidentApi): { el: HTMLElement; refresh(): Promise<void> } {
  const panels = h('div', { testid: 'unit-panels' });
  const result = feedback('unit-result');
  const title = h('h2', { id: 'unit-title' }, "Your unit's doorbell");
  const el = h(
    'section',
    { class: 'card', testid: 'unit', 'aria-labelledby': 'unit-title', hidden: true },
    title,
    panels,
    result.el,
  );

  const panelForm = (unit: UnitDoorbellsReply, p: PanelView): HTMLElement => {
    const box = h('fieldset', { testid: `unit-panel-${p.panelId}` }, h('legend', {}, p.panelName));
    if (!p.ownerMayChange) {
      box.append(h('p', { class: 'muted', testid: 'unit-type' }, TYPE_NAMES[p.type ?? ''] ?? 'No bell'));
      return box;
    }
    const type = h(
      'select',
      { testid: 'unit-type' },
      ...(['separate', 'family', 'business'] as const).map((t) =>
        h('option', { value: t, selected: p.type === t }, TYPE_NAMES[t]),
      ),
    );
    const text = h('input', { testid: 'unit-text', maxlength: 200, value: p.displayText ?? '' });
    const members = unit.residents.map((r) =>
      h('input', {
        type: 'checkbox',
        testid: `unit-member-${r.id}`,
        value: r.id,
        checked: p.members.includes(r.id),
        'aria-label': r.name,
      }),
    );
    const group = h(
      'div',
      { testid: 'unit-members' },
      h('p', {}, 'Reception group'),
      ...members.map((m, i) => h('label', {}, m, unit.residents[i]!.name)),
    );
    const nameField = field('Name on the bell', text);
    const sync = () => {
      nameField.hidden = type.value === 'separate';
      group.hidden = type.value !== 'business';
    };
    type.addEventListener('change', sync);
    sync();
    const save = h('button', { type: 'button', class: 'primary', testid: 'unit-save' }, 'Save');
    save.addEventListener('click', () => {
      const body: UnitDoorbellBody =
        type.value === 'separate'
          ? { type: 'separate' }
          : type.value === 'family'
            ? { type: 'family', displayText: text.value.trim() }
            : {
                type: 'business',
                displayText: text.value.trim(),
                members: members.filter((m) => m.checked).map((m) => m.value),
              };
      void busy(save, async () => {
        try {
          show(await api.setUnitDoorbell(p.panelId, body));
          result.ok(`Saved for ${p.panelName}.`);
        } catch (err) {
          result.fail(err);
        }
      });
    });
    box.append(field('Type', type), nameField, group, save);
    return box;
  };

  const show = (unit: UnitDoorbellsReply) => {
    title.textContent = `Your unit's doorbell (${unit.unitName})`;
    panels.replaceChildren(...unit.panels.map((p) => panelForm(unit, p)));
  };

  const refresh = async () => {
    try {
      const unit = await api.unit();
      el.hidden = unit === null;
      if (unit) show(unit);
    } catch (err) {
      result.fail(err);
    }
  };
  return { el, refresh };
}
