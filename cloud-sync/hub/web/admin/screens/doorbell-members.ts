/**
 * The members of a unit bell: whom it rings — the ring order of a sequential bell (position, and each
 * member's own ring time instead of the bell's step, and whether the step rings their app or their phone),
 * the reception group of a business bell. A unit bell without members rings every resident of its unit.
 * Add, change and remove members.
 */
import { button, h, newId, table } from '../dom.ts';
import { flash } from '../flash.ts';
import { busy, errorText, feedback, field, input, onSubmit, select } from '../forms.ts';
import type { ScreenContext } from '../nav.ts';
import type { Bell, BellLists, Member } from './doorbell-types.ts';

/** How a sequential bell's step reaches its member (BELL_MEMBER_VIA). */
const VIA_OPTIONS = [
  ['app', 'their app'],
  ['phone', 'their phone (call)'],
] as const;

/** A step by phone rings nobody without a number: the panel skips it, so say so here. */
const viaHint = (phone: string | null | undefined) =>
  phone ? `calls ${phone}` : 'no phone number: the panel skips a phone step';

const again = (ctx: ScreenContext, lists: BellLists, bell: Bell) =>
  ctx.go('doorbells', { panel: lists.panel.id, edit: bell.id });

function memberRow(ctx: ScreenContext, lists: BellLists, bell: Bell, m: Member, out: HTMLElement) {
  const member = lists.residents.find((r) => r.id === m.residentId);
  const name = member?.name ?? m.residentId;
  const via = select('via', VIA_OPTIONS, m.via, { testid: 'member-via', title: viaHint(member?.phone) });
  const position = input('position', { type: 'number', min: 0, max: 10_000, step: 1, value: m.position });
  const ringS = input('ringS', {
    type: 'number',
    min: 5,
    max: 120,
    step: 1,
    value: m.ringS ?? '',
    placeholder: `${bell.stepS} (the bell's)`,
  });
  const fail = (err: unknown) => {
    out.className = 'result bad';
    out.textContent = errorText(err);
  };
  const save: HTMLButtonElement = button(
    'Save',
    () =>
      void busy(save, async () => {
        try {
          await lists.more.update('doorbellMembers', m.id, {
            position: position.valueAsNumber,
            ringS: ringS.value === '' ? null : ringS.valueAsNumber,
            via: via.value,
          });
          flash('doorbells', 'ok', `Saved ${name}'s place in "${bell.displayText}".`);
          again(ctx, lists, bell);
        } catch (err) {
          fail(err);
        }
      }),
    { class: 'quiet', testid: 'member-save' },
  );
  const remove: HTMLButtonElement = button(
    'Remove',
    () =>
      void busy(remove, async () => {
        try {
          await lists.more.remove('doorbellMembers', m.id);
          flash('doorbells', 'ok', `${name} no longer rings on "${bell.displayText}".`);
          again(ctx, lists, bell);
        } catch (err) {
          fail(err);
        }
      }),
    { class: 'danger', testid: 'member-remove' },
  );
  const sequential = bell.type === 'sequential';
  return [
    h('span', { testid: 'member-name' }, name),
    sequential ? position : String(m.position),
    sequential ? ringS : '—',
    sequential ? via : '—',
    h(
      'span',
      { class: 'row', testid: 'member-actions', 'data-member-id': m.id },
      sequential ? save : null,
      remove,
    ),
  ];
}

function addForm(ctx: ScreenContext, lists: BellLists, bell: Bell, members: Member[]): HTMLElement {
  const taken = new Set(members.map((m) => m.residentId));
  // A unit bell rings its unit's residents; the unit's come first, then the rest of the building.
  const candidates = lists.residents
    .filter((r) => !taken.has(r.id))
    .sort((a, b) => Number(b.unitId === bell.unitId) - Number(a.unitId === bell.unitId));
  const resident = select(
    'residentId',
    candidates.map((r) => [r.id, r.name] as const),
    undefined,
    { testid: 'member-resident' },
  );
  const next = Math.max(0, ...members.map((m) => m.position + 1));
  const position = input('position', { type: 'number', min: 0, max: 10_000, step: 1, value: next });
  const ringS = input('ringS', { type: 'number', min: 5, max: 120, step: 1, placeholder: `${bell.stepS}` });
  const via = select('via', VIA_OPTIONS, 'app', { testid: 'member-add-via' });
  const sequential = bell.type === 'sequential';
  const form = h(
    'form',
    { class: 'row', testid: 'member-add' },
    field('Resident', resident),
    sequential ? field('Position', position, 'rings in ascending order') : null,
    sequential ? field('Own ring time (s)', ringS, "empty: the bell's step") : null,
    sequential ? field('Rings', via, 'a phone step calls the number in their profile') : null,
    h('button', { type: 'submit', testid: 'member-add-submit' }, 'Add member'),
  );
  if (candidates.length === 0)
    for (const el of form.querySelectorAll('select, input, button')) (el as HTMLInputElement).disabled = true;
  const fb = feedback('member-result', form);
  onSubmit(form, fb, async () => {
    await lists.more.create('doorbellMembers', {
      id: newId(),
      doorbellId: bell.id,
      residentId: resident.value,
      position: position.valueAsNumber,
      ringS: ringS.value === '' ? null : ringS.valueAsNumber,
      via: sequential ? via.value : 'app',
    });
    const name = candidates.find((r) => r.id === resident.value)?.name ?? resident.value;
    flash('doorbells', 'ok', `${name} now rings on "${bell.displayText}".`);
    again(ctx, lists, bell);
  });
  return h('div', {}, form, fb.el);
}

export function membersSection(ctx: ScreenContext, lists: BellLists, bell: Bell): HTMLElement {
  const members = lists.members
    .filter((m) => m.doorbellId === bell.id)
    .sort((a, b) => a.position - b.position || a.id.localeCompare(b.id));
  const out = h('p', { class: 'result', role: 'status', testid: 'member-outcome' });
  const what =
    bell.type === 'business'
      ? 'Reception group: these residents ring for the company.'
      : bell.type === 'sequential'
        ? 'Ring order: each member rings for their ring time, then the next.'
        : 'Members: these residents ring.';
  return h(
    'section',
    { class: 'card', testid: 'bell-members' },
    h('h2', {}, `Members of "${bell.displayText}"`),
    h('p', { class: 'hint' }, `${what} With no members, every resident of the unit rings.`),
    out,
    table(
      'members',
      ['Resident', 'Position', 'Ring time (s)', 'Rings', ''],
      members.map((m) => memberRow(ctx, lists, bell, m, out)),
      'No members: every resident of the unit rings.',
    ),
    addForm(ctx, lists, bell, members),
  );
}
