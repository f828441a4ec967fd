/**
 * The building's units on the "Units & residents" screen: the list with each flat's number (what a
 * visitor dials on the panel's keypad) and its active residents, a form to add a unit, and one to rename
 * or renumber the unit picked with Edit. A number another unit of the building has is refused by the hub,
 * at the number field.
 */
import type { HubResident } from '../../../../protocol/hub-entities.ts';
import type { Row } from '../api.ts';
import { button, h, newId, table } from '../dom.ts';
import { feedback, field, input, onSubmit, orNull } from '../forms.ts';
import type { ScreenContext } from '../nav.ts';

type Unit = Row<'units'>;

function numberInput(value: string | null): HTMLInputElement {
  return input('number', { value: value ?? '', maxlength: 8, pattern: '[0-9]{1,8}', inputmode: 'numeric' });
}

const NUMBER_HINT = 'digits a visitor dials on the panel, e.g. 0101; empty: none';

function createForm(ctx: ScreenContext): HTMLElement[] {
  const name = input('name', { required: true, maxlength: 200, placeholder: '1101' });
  const number = numberInput(null);
  const form = h(
    'form',
    { class: 'row', testid: 'unit-create' },
    field('New unit', name),
    field('Flat number', number, NUMBER_HINT),
    h('button', { type: 'submit', testid: 'unit-create-submit' }, 'Add unit'),
  );
  const fb = feedback('unit-result', form);
  onSubmit(form, fb, async () => {
    await ctx.api.create('units', {
      id: newId(),
      buildingId: ctx.building!.id,
      name: name.value.trim(),
      number: orNull(number.value),
    });
    ctx.refresh();
  });
  return [form, fb.el];
}

function editForm(ctx: ScreenContext, unit: Unit): HTMLElement[] {
  const name = input('name', { value: unit.name, required: true, maxlength: 200 });
  const number = numberInput(unit.number);
  const form = h(
    'form',
    { class: 'row', testid: 'unit-edit', 'data-unit-id': unit.id },
    field(`Unit ${unit.name}`, name),
    field('Flat number', number, NUMBER_HINT),
    h('button', { type: 'submit', class: 'primary', testid: 'unit-save' }, 'Save unit'),
    button('Cancel', () => ctx.go('residents'), { class: 'quiet' }),
  );
  const fb = feedback('unit-edit-result', form);
  onSubmit(form, fb, async () => {
    await ctx.api.update('units', unit.id, { name: name.value.trim(), number: orNull(number.value) });
    ctx.go('residents');
  });
  return [form, fb.el];
}

export function unitsSection(
  ctx: ScreenContext,
  lists: { units: readonly Unit[]; residents: readonly HubResident[] },
): HTMLElement {
  const rows = lists.units.map((u) => {
    const count = lists.residents.filter((r) => r.unitId === u.id && r.status === 'active').length;
    return [
      u.name,
      h('code', { testid: 'unit-number' }, u.number ?? ''),
      String(count),
      button('Edit', () => ctx.go('residents', { unit: u.id }), {
        class: 'quiet',
        testid: 'unit-edit-open',
        'data-unit-id': u.id,
      }),
    ];
  });
  const editing = lists.units.find((u) => u.id === ctx.params['unit']);
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, 'Units'),
    table(
      'units',
      ['Unit', 'Flat number', 'Active residents', ''],
      rows,
      'No units yet: add the first one below.',
    ),
    ...(editing ? editForm(ctx, editing) : []),
    ...createForm(ctx),
  );
}
