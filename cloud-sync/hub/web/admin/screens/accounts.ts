/**
 * Administrator accounts (the hub operator's): create a building administrator with their buildings (or
 * another operator), disable or enable, and reset a lost second factor (the next login enrols again).
 */
import type { AdminAccountView } from '../../../../protocol/admin-api.ts';
import { append, badge, button, h, table } from '../dom.ts';
import { flash, flashLine } from '../flash.ts';
import { busy, check, checkbox, errorText, feedback, field, input, onSubmit, select } from '../forms.ts';
import type { Screen, ScreenContext } from '../nav.ts';

function actions(ctx: ScreenContext, a: AdminAccountView, out: HTMLElement): HTMLElement {
  const run = (b: HTMLButtonElement, change: () => Promise<AdminAccountView>, done: string) =>
    void busy(b, async () => {
      try {
        await change();
        flash('accounts', 'ok', done);
        ctx.refresh();
      } catch (err) {
        out.className = 'result bad';
        out.textContent = errorText(err);
      }
    });
  const toggle: HTMLButtonElement = button(
    a.disabled ? 'Enable' : 'Disable',
    () =>
      run(
        toggle,
        () => ctx.api.updateAccount(a.id, { disabled: !a.disabled }),
        `${a.username} is ${a.disabled ? 'enabled' : 'disabled (their sessions ended)'}.`,
      ),
    { class: a.disabled ? 'quiet' : 'danger', testid: 'account-toggle' },
  );
  const reset: HTMLButtonElement = button(
    'Reset second factor',
    () =>
      run(
        reset,
        () => ctx.api.resetSecondFactor(a.id),
        `${a.username}'s second factor is reset: their next login sets up a new one.`,
      ),
    { class: 'quiet', testid: 'account-reset-totp' },
  );
  return h('span', { class: 'row', 'data-account-id': a.id }, toggle, a.totpEnrolled ? reset : null);
}

function createForm(ctx: ScreenContext): HTMLElement {
  const username = input('username', { required: true, maxlength: 64, autocomplete: 'off' });
  const displayName = input('displayName', { required: true, maxlength: 100 });
  const password = input('password', {
    type: 'password',
    required: true,
    minlength: 12,
    autocomplete: 'new-password',
  });
  const role = select('role', [
    ['building_admin', 'Building administrator'],
    ['operator', 'Hub operator (every building, accounts, panels)'],
  ]);
  const boxes = ctx.buildings.map((b) => ({
    id: b.id,
    box: checkbox(`building-${b.id}`, b.id === ctx.building?.id),
  }));
  const grants = h(
    'fieldset',
    { class: 'checks' },
    h('legend', {}, 'Buildings (for a building administrator)'),
  );
  for (const { id, box } of boxes) append(grants, check(ctx.buildings.find((b) => b.id === id)!.name, box));
  append(grants, h('small', { class: 'field-error', 'data-field-error': 'buildingIds' }));
  const form = h(
    'form',
    { class: 'card', testid: 'account-create' },
    h('h2', {}, 'New account'),
    field('Username', username),
    field('Name', displayName),
    field(
      'First password',
      password,
      'at least 12 characters; hand it over safely. The first login sets up the second factor.',
    ),
    field('Role', role),
    grants,
    h('button', { type: 'submit', class: 'primary', testid: 'account-create-submit' }, 'Create account'),
  );
  const fb = feedback('account-create-result', form);
  append(form, fb.el);
  onSubmit(form, fb, async () => {
    const created = await ctx.api.createAccount({
      username: username.value.trim(),
      displayName: displayName.value.trim(),
      password: password.value,
      role: role.value === 'operator' ? 'operator' : 'building_admin',
      buildingIds: role.value === 'operator' ? [] : boxes.filter((b) => b.box.checked).map((b) => b.id),
    });
    flash('accounts', 'ok', `Account ${created.username} created.`);
    ctx.refresh();
  });
  return form;
}

export const accountsScreen: Screen = {
  id: 'accounts',
  title: 'Accounts',
  perBuilding: false,
  operatorOnly: true,
  render: async (ctx) => {
    const accounts = await ctx.api.accounts();
    const names = new Map(ctx.buildings.map((b) => [b.id, b.name]));
    const out = flashLine('accounts', 'account-result');
    const rows = accounts.map((a) => [
      h('span', { testid: 'account-username' }, a.username),
      a.displayName,
      a.role === 'operator' ? 'hub operator' : 'building administrator',
      a.role === 'operator' ? 'all' : a.buildingIds.map((id) => names.get(id) ?? id).join(', '),
      a.totpEnrolled ? badge('set up', 'ok') : badge('at next login', 'warn'),
      a.disabled ? badge('disabled', 'bad', 'account-state') : badge('active', 'ok', 'account-state'),
      actions(ctx, a, out),
    ]);
    return h(
      'div',
      {},
      out,
      table(
        'accounts',
        ['Username', 'Name', 'Role', 'Buildings', 'Second factor', 'State', ''],
        rows,
        'No accounts yet.',
      ),
      h('div', { class: 'columns' }, createForm(ctx)),
    );
  },
};
