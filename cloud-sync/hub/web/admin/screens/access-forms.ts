/**
 * The access screen's two forms: a time profile (name and weekly intervals) and an access rule (resident,
 * door, when, validity window). Each saves through the admin API and goes back to the screen's lists.
 */
import type { AccessRule, TimeProfile } from '../../../../protocol/building.ts';
import type { HubResident } from '../../../../protocol/hub-entities.ts';
import type { Row } from '../api.ts';
import type { MoreApi } from '../api-more.ts';
import { button, h, newId } from '../dom.ts';
import { flash } from '../flash.ts';
import { feedback, field, input, onSubmit, select } from '../forms.ts';
import type { ScreenContext } from '../nav.ts';
import { weekEditor } from './week-editor.ts';

export interface AccessLists {
  more: MoreApi;
  doors: Row<'doors'>[];
  residents: HubResident[];
  profiles: TimeProfile[];
  rules: AccessRule[];
}

export const go = (ctx: ScreenContext, params: Record<string, string> = {}) => ctx.go('access', params);

/** A local date-time field's value ("2026-12-07T10:30") from epoch ms, and back (empty = none). */
function localInput(ms: number | null): string {
  if (ms === null) return '';
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}
function fromLocalInput(value: string): number | null {
  if (value === '') return null;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : null;
}

export function profileForm(
  ctx: ScreenContext,
  lists: AccessLists,
  profile: TimeProfile | undefined,
): HTMLElement {
  const name = input('name', {
    required: true,
    maxlength: 200,
    value: profile?.name ?? '',
    placeholder: 'Weekdays',
  });
  const week = weekEditor(
    profile?.intervals ?? [0, 1, 2, 3, 4].map((weekday) => ({ weekday, startMinute: 420, endMinute: 1080 })),
  );
  const form = h(
    'form',
    { class: 'card', testid: 'profile-form' },
    h('h2', {}, profile ? `Edit time profile "${profile.name}"` : 'New time profile'),
    field('Name', name),
    week.el,
    h(
      'div',
      { class: 'row' },
      h(
        'button',
        { type: 'submit', class: 'primary', testid: 'profile-save' },
        profile ? 'Save' : 'Create profile',
      ),
      button('Close', () => go(ctx), { class: 'quiet' }),
    ),
  );
  const fb = feedback('profile-result', form);
  form.append(fb.el);
  onSubmit(form, fb, async () => {
    const read = week.read();
    if ('problem' in read) {
      fb.fail(new Error(read.problem));
      return;
    }
    const row = { name: name.value.trim(), intervals: read.intervals };
    const saved = profile
      ? await lists.more.update('timeProfiles', profile.id, row)
      : await lists.more.create('timeProfiles', { id: newId(), buildingId: ctx.building!.id, ...row });
    flash('access', 'ok', `Saved time profile "${saved.name}".`);
    go(ctx);
  });
  return form;
}

export function ruleForm(ctx: ScreenContext, lists: AccessLists, rule: AccessRule | undefined): HTMLElement {
  const resident = select(
    'residentId',
    lists.residents.map((r) => [r.id, r.name] as const),
    rule?.residentId ?? ctx.params['resident'],
  );
  const door = select(
    'doorId',
    lists.doors.map((d) => [d.id, d.name] as const),
    rule?.doorId ?? ctx.params['door'],
  );
  const profile = select(
    'timeProfileId',
    [['', 'at any time'] as const, ...lists.profiles.map((p) => [p.id, p.name] as const)],
    rule?.timeProfileId ?? '',
  );
  const from = input('validFrom', { type: 'datetime-local', value: localInput(rule?.validFrom ?? null) });
  const until = input('validUntil', { type: 'datetime-local', value: localInput(rule?.validUntil ?? null) });
  const form = h(
    'form',
    { class: 'card', testid: 'rule-form' },
    h('h2', {}, rule ? 'Edit access rule' : 'New access rule'),
    h('div', { class: 'row' }, field('Resident', resident), field('Door', door), field('When', profile)),
    h(
      'div',
      { class: 'row' },
      field('Valid from', from, 'empty: since always (this computer’s time zone)'),
      field('Valid until', until, 'empty: for good'),
    ),
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'submit', class: 'primary', testid: 'rule-save' }, rule ? 'Save' : 'Add rule'),
      button('Close', () => go(ctx), { class: 'quiet' }),
    ),
  );
  const fb = feedback('rule-result', form);
  form.append(fb.el);
  onSubmit(form, fb, async () => {
    const row = {
      residentId: resident.value,
      doorId: door.value,
      timeProfileId: profile.value || null,
      validFrom: fromLocalInput(from.value),
      validUntil: fromLocalInput(until.value),
    };
    if (rule) await ctx.api.update('accessRules', rule.id, row);
    else await ctx.api.create('accessRules', { id: newId(), ...row });
    flash(
      'access',
      'ok',
      'Saved the access rule; the panels holding the door get it with their next config.',
    );
    go(ctx);
  });
  return form;
}
