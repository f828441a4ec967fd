/**
 * Access rules and time profiles of the building. A time profile is a named weekly schedule (weekday ×
 * from/to, in the building's time zone); an access rule lets one resident's cards open one door, at any
 * time or during a profile, optionally only within a validity window. Rules and profiles reach the
 * panels holding the door with the next config version.
 */
import { MoreApi } from '../api-more.ts';
import { button, h, replace, table } from '../dom.ts';
import { flash, flashLine } from '../flash.ts';
import { dateTime } from '../format.ts';
import { busy, errorText, select } from '../forms.ts';
import type { Screen, ScreenContext } from '../nav.ts';
import { weekText } from '../week-time.ts';
import { type AccessLists, go, profileForm, ruleForm } from './access-forms.ts';

async function load(ctx: ScreenContext): Promise<AccessLists> {
  const more = new MoreApi(ctx.api);
  const buildingId = ctx.building!.id;
  const [doors, units, residents, profiles, rules] = await Promise.all([
    ctx.api.list('doors', { buildingId }),
    ctx.api.list('units', { buildingId }),
    ctx.api.list('residents', { status: 'active' }),
    more.list('timeProfiles', { buildingId }),
    ctx.api.list('accessRules'),
  ]);
  const here = new Set(units.map((u) => u.id));
  const doorIds = new Set(doors.map((d) => d.id));
  return {
    more,
    doors,
    residents: residents.filter((r) => here.has(r.unitId)),
    profiles,
    rules: rules.filter((r) => doorIds.has(r.doorId)),
  };
}

/** "Delete", asked once more inline with what it means (no browser dialogs: they block the page). */
function removeButton(
  ctx: ScreenContext,
  what: string,
  question: string,
  testid: string,
  run: () => Promise<void>,
  out: HTMLElement,
) {
  const cell = h('span', { class: 'row' });
  const start = button('Delete', () => ask(), { class: 'danger', testid });
  const ask = () => {
    const yes: HTMLButtonElement = button(
      'Yes, delete',
      () =>
        void busy(yes, async () => {
          try {
            await run();
            flash('access', 'ok', `Deleted ${what}.`);
            go(ctx);
          } catch (err) {
            replace(cell, start);
            out.className = 'result bad';
            out.textContent = errorText(err);
          }
        }),
      { class: 'danger', testid: `${testid}-confirm` },
    );
    replace(
      cell,
      question,
      yes,
      button('Cancel', () => replace(cell, start), { class: 'quiet' }),
    );
  };
  replace(cell, start);
  return cell;
}

function profilesSection(ctx: ScreenContext, lists: AccessLists, out: HTMLElement): HTMLElement {
  const rows = lists.profiles.map((p) => {
    const used = lists.rules.filter((r) => r.timeProfileId === p.id).length;
    // A profile may also be a resident's "hide on a weekly schedule" (often one they made in the app).
    const hides = lists.residents.filter((r) => r.hiddenProfileId === p.id).map((r) => r.name);
    const uses = [used ? `${used} access rule(s)` : '', hides.length ? `hides ${hides.join(', ')}` : '']
      .filter(Boolean)
      .join('; ');
    return [
      h('span', { testid: 'profile-name' }, p.name),
      weekText(p.intervals),
      uses || 'unused',
      h(
        'span',
        { class: 'row', testid: 'profile-actions', 'data-profile-id': p.id },
        button('Edit', () => go(ctx, { profile: p.id }), { class: 'quiet', testid: 'profile-edit' }),
        removeButton(
          ctx,
          `time profile "${p.name}"`,
          // The hub deletes a profile's rules with it: those residents lose that door (never gain it).
          used ? `Delete "${p.name}" and the ${used} access rule(s) using it?` : `Delete "${p.name}"?`,
          'profile-delete',
          () => lists.more.remove('timeProfiles', p.id),
          out,
        ),
      ),
    ];
  });
  return h(
    'section',
    { class: 'card' },
    h(
      'div',
      { class: 'row' },
      h('h2', {}, 'Time profiles'),
      button('New time profile', () => go(ctx, { profile: 'new' }), {
        class: 'primary',
        testid: 'profile-new',
      }),
    ),
    table('profiles', ['Name', 'Intervals', 'Used by', ''], rows, 'No time profiles yet.'),
  );
}

function rulesSection(ctx: ScreenContext, lists: AccessLists, out: HTMLElement): HTMLElement {
  const name = (id: string, list: readonly { id: string; name: string }[]) =>
    list.find((x) => x.id === id)?.name ?? id;
  // A building has hundreds of rules: one resident's or one door's at a time, on request.
  const only = { resident: ctx.params['resident'] ?? '', door: ctx.params['door'] ?? '' };
  const shown = lists.rules.filter(
    (r) => (!only.resident || r.residentId === only.resident) && (!only.door || r.doorId === only.door),
  );
  const narrow = (key: 'resident' | 'door', el: HTMLSelectElement) =>
    el.addEventListener('change', () => {
      const params: Record<string, string> = { ...only, [key]: el.value };
      go(ctx, Object.fromEntries(Object.entries(params).filter(([, v]) => v !== '')));
    });
  const byResident = select(
    'resident',
    [['', 'every resident'] as const, ...lists.residents.map((r) => [r.id, r.name] as const)],
    only.resident,
    { testid: 'rules-resident', 'aria-label': 'Only the rules of' },
  );
  const byDoor = select(
    'door',
    [['', 'every door'] as const, ...lists.doors.map((d) => [d.id, d.name] as const)],
    only.door,
    { testid: 'rules-door', 'aria-label': 'Only the rules for' },
  );
  narrow('resident', byResident);
  narrow('door', byDoor);
  const rows = shown
    .sort((a, b) => name(a.residentId, lists.residents).localeCompare(name(b.residentId, lists.residents)))
    .map((r) => [
      name(r.residentId, lists.residents),
      name(r.doorId, lists.doors),
      r.timeProfileId === null ? 'at any time' : name(r.timeProfileId, lists.profiles),
      r.validFrom === null ? '—' : dateTime(r.validFrom),
      r.validUntil === null ? '—' : dateTime(r.validUntil),
      h(
        'span',
        { class: 'row', testid: 'rule-actions', 'data-rule-id': r.id },
        button('Edit', () => go(ctx, { rule: r.id }), { class: 'quiet', testid: 'rule-edit' }),
        removeButton(
          ctx,
          'the access rule',
          'Delete this rule?',
          'rule-delete',
          () => ctx.api.remove('accessRules', r.id),
          out,
        ),
      ),
    ]);
  return h(
    'section',
    { class: 'card' },
    h(
      'div',
      { class: 'row' },
      h('h2', {}, 'Access rules'),
      button('New access rule', () => go(ctx, { ...ctx.params, rule: 'new' }), {
        class: 'primary',
        testid: 'rule-new',
      }),
    ),
    h('div', { class: 'row' }, byResident, byDoor),
    table(
      'rules',
      ['Resident', 'Door', 'When', 'Valid from', 'Valid until', ''],
      rows,
      'No access rules yet.',
    ),
  );
}

export const accessScreen: Screen = {
  id: 'access',
  title: 'Access rules & time profiles',
  render: async (ctx) => {
    const lists = await load(ctx);
    const out = flashLine('access', 'access-result');
    const { profile: profileId, rule: ruleId } = ctx.params;
    const profile = lists.profiles.find((p) => p.id === profileId);
    const rule = lists.rules.find((r) => r.id === ruleId);
    const body = h('div', {}, out);
    if (profileId === 'new' || profile) body.append(profileForm(ctx, lists, profile));
    if (ruleId === 'new' || rule) body.append(ruleForm(ctx, lists, rule));
    body.append(profilesSection(ctx, lists, out), rulesSection(ctx, lists, out));
    return body;
  },
};
