/**
 * The resident form of "Units & residents": a new resident (with the doors they may open, at any time:
 * one access rule per door — narrower rules with time profiles are the access-rules screen's), or an
 * existing one edited; choosing another unit moves them. Changes answer which panels applied them.
 */
import type { HubResident } from '../../../../protocol/hub-entities.ts';
import type { Row } from '../api.ts';
import { append, button, h, newId } from '../dom.ts';
import { flash } from '../flash.ts';
import { outcomeText } from '../format.ts';
import { check, checkbox, feedback, field, input, onSubmit, orNull, select } from '../forms.ts';
import type { ScreenContext } from '../nav.ts';

export function residentForm(
  ctx: ScreenContext,
  units: readonly Row<'units'>[],
  doors: readonly Row<'doors'>[],
  resident?: HubResident,
): HTMLElement {
  const name = input('name', { required: true, maxlength: 200, value: resident?.name ?? '' });
  const unit = select(
    'unitId',
    units.map((u) => [u.id, u.name] as const),
    resident?.unitId,
    { required: true },
  );
  const email = input('email', { type: 'email', maxlength: 254, value: resident?.email ?? '' });
  const phone = input('phone', {
    type: 'tel',
    maxlength: 16,
    value: resident?.phone ?? '',
    placeholder: '+46701234567',
  });
  const doorBoxes = doors.map((d) => ({
    door: d,
    box: checkbox(`door-${d.id}`, true, { 'data-door-id': d.id }),
  }));
  const title = resident ? `Edit ${resident.name}` : 'New resident';
  const form = h(
    'form',
    { class: 'card', testid: 'resident-form' },
    h('h2', {}, title),
    field('Name', name),
    field('Unit', unit, resident ? 'another unit moves the resident there' : undefined),
    field('E-mail', email, 'optional'),
    field('Phone', phone, 'optional, E.164: rung when no app answers'),
  );
  if (!resident && doorBoxes.length) {
    const set = h('fieldset', { class: 'checks' }, h('legend', {}, 'May open (at any time)'));
    for (const { door, box } of doorBoxes) append(set, check(door.name, box));
    append(form, set);
  }
  append(
    form,
    h(
      'button',
      { type: 'submit', class: 'primary', testid: 'resident-save' },
      resident ? 'Save' : 'Create resident',
    ),
    button('Cancel', () => ctx.go('residents'), { class: 'quiet' }),
  );
  const fb = feedback('resident-form-result', form);
  append(form, fb.el);
  if (units.length === 0) fb.fail(new Error('Add a unit first (below): every resident lives in one.'));
  onSubmit(form, fb, async () => {
    const fields = {
      name: name.value.trim(),
      unitId: unit.value,
      email: orNull(email.value),
      phone: orNull(phone.value),
    };
    if (resident) {
      const reply = await ctx.api.updateResident(resident.id, fields);
      flash('residents', 'ok', `Saved ${reply.name}. ${outcomeText(reply.config)}`);
    } else {
      const created = await ctx.api.createResident({ id: newId(), ...fields });
      for (const { door, box } of doorBoxes)
        if (box.checked)
          await ctx.api.create('accessRules', { id: newId(), residentId: created.id, doorId: door.id });
      flash('residents', 'ok', `Created ${created.name}. ${outcomeText(created.config)}`);
    }
    ctx.go('residents');
  });
  return form;
}
