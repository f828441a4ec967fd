/**
 * Creating or editing one bell: its type, whom it rings (a separate bell names its resident, every other
 * type its unit), the text on the panel (a family or company name), the door a call may open, the order
 * on the panel and the ring times. The hub checks every rule and its message lands beside the field.
 */
import { h, newId } from '../dom.ts';
import { flash } from '../flash.ts';
import { feedback, field, input, onSubmit, select } from '../forms.ts';
import type { ScreenContext } from '../nav.ts';
import { type Bell, type BellLists, TYPE_OPTIONS } from './doorbell-types.ts';

const TEXT_LABEL: Record<string, string> = {
  separate: 'Text on the panel (the resident may show their own name instead)',
  family: 'Family name',
  business: 'Company name',
  sequential: 'Text on the panel',
  parallel: 'Text on the panel',
};

export function doorbellForm(ctx: ScreenContext, lists: BellLists, bell: Bell | undefined): HTMLElement {
  const type = select('type', TYPE_OPTIONS, bell?.type ?? 'separate');
  const resident = select(
    'residentId',
    lists.residents.map((r) => [r.id, r.name] as const),
    bell?.residentId ?? undefined,
  );
  // A separate bell has no unit of its own: its resident's is the one a type change would ring.
  const unitOfResident = (id: string | null | undefined) => lists.residents.find((r) => r.id === id)?.unitId;
  const unit = select(
    'unitId',
    lists.units.map((u) => [u.id, u.name] as const),
    bell?.unitId ?? unitOfResident(bell?.residentId),
  );
  const text = input('displayText', {
    required: true,
    maxlength: 200,
    value: bell?.displayText ?? '',
    placeholder: 'Lund',
  });
  const door = select(
    'doorId',
    [['', 'none'] as const, ...lists.doors.map((d) => [d.id, d.name] as const)],
    bell?.doorId ?? (bell ? '' : (lists.doors[0]?.id ?? '')),
  );
  const number = (name: string, value: number, min: number, max: number) =>
    input(name, { type: 'number', required: true, min, max, step: 1, value });
  const sortKey = number('sortKey', bell?.sortKey ?? (lists.bells.length + 1) * 10, 0, 1_000_000);
  const ringTimeoutS = number('ringTimeoutS', bell?.ringTimeoutS ?? 60, 10, 300);
  const stepS = number('stepS', bell?.stepS ?? 25, 5, 120);

  // Wrapped: `.field` sets its own display, which would win over the hidden attribute.
  const residentField = h('div', {}, field('Resident', resident));
  const unitField = h(
    'div',
    {},
    field('Unit', unit, 'its members ring (below, once saved), or every resident of the unit'),
  );
  const stepField = h('div', {}, field('Ring time per step (s)', stepS, 'sequential: each resident in turn'));
  const textLabel = h('span', { class: 'label' });
  // The label names what the text is for the type picked, so it is built here rather than by field().
  const textField = h(
    'label',
    { class: 'field' },
    textLabel,
    text,
    h('small', { class: 'field-error', 'data-field-error': 'displayText' }),
  );
  const shape = () => {
    const separate = type.value === 'separate';
    residentField.hidden = !separate;
    unitField.hidden = separate;
    stepField.hidden = type.value !== 'sequential';
    textLabel.textContent = TEXT_LABEL[type.value] ?? 'Text';
  };
  type.addEventListener('change', () => {
    // Leaving "separate": the unit bell is the unit of the resident picked until now.
    const residentUnit = unitOfResident(resident.value);
    if (type.value !== 'separate' && residentUnit && !bell?.unitId) unit.value = residentUnit;
    shape();
  });
  // A new separate bell shows its resident's name unless the administrator typed another text.
  resident.addEventListener('change', () => {
    if (bell || text.value.trim() !== '') return;
    text.value = lists.residents.find((r) => r.id === resident.value)?.name ?? '';
  });
  shape();

  const form = h(
    'form',
    { class: 'card', testid: 'bell-form' },
    h('h2', {}, bell ? `Edit "${bell.displayText}"` : `New bell on ${lists.panel.name}`),
    field('Type', type),
    residentField,
    unitField,
    textField,
    field('Door a call may open', door, 'a door of this panel; the answering resident opens it'),
    h(
      'div',
      { class: 'row' },
      field('Order on the panel', sortKey, 'ascending; equal numbers sort by text'),
      field('Ring time in all (s)', ringTimeoutS),
      stepField,
    ),
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'submit', class: 'primary', testid: 'bell-save' }, bell ? 'Save' : 'Create bell'),
      h(
        'button',
        { type: 'button', class: 'quiet', onclick: () => ctx.go('doorbells', { panel: lists.panel.id }) },
        'Close',
      ),
    ),
  );
  const fb = feedback('bell-form-result', form);
  form.append(fb.el);
  onSubmit(form, fb, async () => {
    const separate = type.value === 'separate';
    // Both owner fields are sent, so a type change moves the bell between resident and unit.
    const owner = separate
      ? { residentId: resident.value || null, unitId: null }
      : { unitId: unit.value || null, residentId: null };
    const row = {
      type: type.value,
      ...owner,
      displayText: text.value.trim(),
      doorId: door.value || null,
      sortKey: sortKey.valueAsNumber,
      ringTimeoutS: ringTimeoutS.valueAsNumber,
      stepS: stepS.valueAsNumber,
    };
    const saved = bell
      ? await lists.more.update('doorbells', bell.id, row)
      : await lists.more.create('doorbells', { id: newId(), panelId: lists.panel.id, ...row });
    flash(
      'doorbells',
      'ok',
      `Saved "${saved.displayText}" (${saved.type}); the panel shows it with its next config.`,
    );
    // A unit bell stays open for its members; a separate bell has none.
    ctx.go(
      'doorbells',
      saved.type === 'separate' ? { panel: lists.panel.id } : { panel: lists.panel.id, edit: saved.id },
    );
  });
  return form;
}
