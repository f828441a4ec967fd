/**
 * The administrator's login: the password, then the second factor — a code from the authenticator app,
 * or one of the recovery codes. On the first login the hub hands out a new TOTP secret: it is shown as
 * text (the secret and its otpauth:// URI, for the app's "enter a key" or a QR generator the
 * administrator trusts), the first code confirms it, and the ten recovery codes are shown once.
 */
import type { AdminLoginReply } from '../../../../protocol/admin-api.ts';
import { ApiError, login, secondFactor } from '../api.ts';
import { append, button, h, replace } from '../dom.ts';
import { busy, field, input } from '../forms.ts';

/** `notice`: something to tell the administrator once logged in (recovery codes running low). */
type LoggedIn = (sessionToken: string, notice?: string) => void;

function loginError(err: unknown): string {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : 'Login failed.';
  if (err.status === 429) return `${err.message} (try again in ${err.retryAfterS ?? 60} seconds)`;
  return err.message;
}

export function loginScreen(message: string | undefined, done: LoggedIn): HTMLElement {
  const box = h('div', { class: 'login-box', testid: 'login' });
  const note = h('p', { class: 'result', role: 'status', testid: 'login-message' }, message ?? '');
  if (message) note.className = 'result warn';
  passwordStep(box, note, done);
  return h('main', { class: 'login-page' }, h('h1', {}, 'portvakt WebAdmin'), note, box);
}

function passwordStep(box: HTMLElement, note: HTMLElement, done: LoggedIn): void {
  const username = input('username', {
    autocomplete: 'username',
    required: true,
    maxlength: 64,
    autocapitalize: 'none',
  });
  const password = input('password', {
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    maxlength: 256,
  });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'login-submit' }, 'Next');
  const error = h('p', { class: 'result bad', role: 'alert', testid: 'login-error' });
  const form = h(
    'form',
    { class: 'card', testid: 'login-form' },
    field('Username', username),
    field('Password', password),
    submit,
    error,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    void busy(submit, async () => {
      try {
        const step = await login(username.value.trim(), password.value);
        note.textContent = '';
        note.className = 'result';
        secondStep(box, note, step, done);
      } catch (err) {
        error.textContent = loginError(err);
      }
    });
  });
  replace(box, form);
  username.focus();
}

function secondStep(box: HTMLElement, note: HTMLElement, step: AdminLoginReply, done: LoggedIn): void {
  const enrol = step.next === 'enrol_totp';
  const code = input('code', {
    autocomplete: 'one-time-code',
    inputmode: enrol ? 'numeric' : 'text',
    required: true,
    maxlength: 32,
    autocapitalize: 'none',
  });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'code-submit' }, 'Log in');
  const error = h('p', { class: 'result bad', role: 'alert', testid: 'code-error' });
  const restart = button('Start again', () => passwordStep(box, note, done), {
    class: 'quiet',
    testid: 'login-restart',
  });
  const form = h('form', { class: 'card', testid: 'code-form' });
  if (enrol) {
    append(
      form,
      h('h2', {}, 'Set up your second factor'),
      h(
        'p',
        {},
        'Add this key to your authenticator app (Aegis, FreeOTP, Google Authenticator, …): type the key, ' +
          'or use the otpauth link. Then enter the six-digit code the app shows.',
      ),
      h('p', { class: 'label' }, 'Key'),
      h('code', { class: 'secret', testid: 'totp-secret' }, step.secret ?? ''),
      h('p', { class: 'label' }, 'otpauth link'),
      h('code', { class: 'secret', testid: 'totp-uri' }, step.otpauthUri ?? ''),
      field('Code from the app', code),
    );
  } else {
    append(
      form,
      h('h2', {}, 'Second factor'),
      field(
        'Code from your authenticator app',
        code,
        'Lost your phone? Enter one of your recovery codes instead.',
      ),
    );
  }
  append(form, submit, restart, error);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    void busy(submit, async () => {
      try {
        const session = await secondFactor(step.loginToken, code.value.trim());
        if (session.recoveryCodes?.length)
          showRecoveryCodes(box, session.recoveryCodes, () => done(session.sessionToken));
        else if (session.recoveryCodesLeft !== undefined)
          done(
            session.sessionToken,
            `You logged in with a recovery code: ${session.recoveryCodesLeft} left. ` +
              'Ask the hub operator to reset your second factor if your phone is lost.',
          );
        else done(session.sessionToken);
      } catch (err) {
        error.textContent = loginError(err);
        code.select();
      }
    });
  });
  replace(box, form);
  code.focus();
}

function showRecoveryCodes(box: HTMLElement, codes: readonly string[], next: () => void): void {
  const list = h('ol', { class: 'codes', testid: 'recovery-codes' });
  for (const c of codes) append(list, h('li', {}, h('code', {}, c)));
  replace(
    box,
    h(
      'div',
      { class: 'card' },
      h('h2', {}, 'Your recovery codes'),
      h(
        'p',
        {},
        'Each code logs you in once in place of the authenticator app. Store them somewhere safe now: ' +
          'they are shown only this once.',
      ),
      list,
      button('I have stored them — continue', next, { class: 'primary', testid: 'recovery-done' }),
    ),
  );
}
