/** The login screen: resident id and the password the administrator handed out, and a device name. */
import type { ResidentLoginReply } from '../../../../protocol/resident-api.ts';
import { ApiError, login } from '../api.ts';
import { h } from '../dom.ts';
import { unlockAudio } from '../ringtone.ts';
import { installAppDeviceId } from '../session.ts';

function guessDeviceName(): string {
  const ua = navigator.userAgent;
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iPhone' : /Mac/.test(ua) ? 'Mac' : '';
  return os ? `${os} browser` : 'Browser';
}

export function loginScreen(
  onLoggedIn: (session: ResidentLoginReply) => void,
  onInviteCode?: () => void,
): HTMLElement {
  const residentId = h('input', {
    id: 'login-resident',
    name: 'residentId',
    testid: 'login-resident',
    autocomplete: 'username',
    autocapitalize: 'none',
    required: true,
    maxlength: 128,
  });
  const password = h('input', {
    id: 'login-password',
    name: 'password',
    type: 'password',
    testid: 'login-password',
    autocomplete: 'current-password',
    required: true,
    maxlength: 200,
  });
  const deviceName = h('input', {
    id: 'login-device',
    name: 'deviceName',
    testid: 'login-device',
    required: true,
    maxlength: 100,
    value: guessDeviceName(),
  });
  const error = h('p', { class: 'error', role: 'alert', testid: 'login-error' });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'login-submit' }, 'Log in');
  const form = h(
    'form',
    { class: 'card', testid: 'login-form', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Log in to your door phone'),
    h('label', { for: 'login-resident' }, 'Resident id'),
    residentId,
    h('label', { for: 'login-password' }, 'Password'),
    password,
    h('label', { for: 'login-device' }, 'Name of this device'),
    deviceName,
    submit,
    error,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    // The click is a user gesture: the ringtone may play later without one.
    unlockAudio();
    submit.disabled = true;
    error.textContent = '';
    try {
      onLoggedIn(
        await login({
          residentId: residentId.value.trim(),
          password: password.value,
          deviceName: deviceName.value.trim() || 'Browser',
          appDeviceId: installAppDeviceId(),
        }),
      );
    } catch (err) {
      error.textContent = loginError(err);
      submit.disabled = false;
    }
  });
  // An invite code typed by hand (the link carries it otherwise).
  const invite =
    onInviteCode &&
    h('button', { type: 'button', testid: 'login-invite', onclick: onInviteCode }, 'I have an invite code');
  return h('main', { class: 'screen login' }, form, invite);
}

function loginError(err: unknown): string {
  if (!(err instanceof ApiError)) return 'Login failed.';
  if (err.status === 401) return 'Wrong resident id or password.';
  if (err.status === 429) return `Too many attempts. Try again in ${err.retryAfterS ?? 60} seconds.`;
  if (err.status === 400) return 'Please fill in every field.';
  return err.message;
}
