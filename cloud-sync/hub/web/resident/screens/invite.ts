/**
 * The invite screen: the resident opened the link an administrator sent (`/app/#invite=CODE`) and
 * chooses their password; redeeming it logs them in. The code comes from the URL fragment, which the
 * browser never sends to a server, and the app removes it from the address bar at once.
 */
import type { ResidentLoginReply } from '../../../../protocol/resident-api.ts';
import { RESIDENT_PASSWORD_MIN_CHARS } from '../../../../protocol/resident-invite.ts';
import { ApiError, redeemInvite } from '../api.ts';
import { h } from '../dom.ts';
import { unlockAudio } from '../ringtone.ts';
import { installAppDeviceId } from '../session.ts';

/** The code of an invite link, if the page was opened with one. */
export function inviteCodeFromHash(hash: string): string | undefined {
  const match = /^#invite=([A-Za-z0-9_-]+)$/.exec(hash);
  return match?.[1];
}

/** `code` from the link; undefined: the resident types it (the screen asks for it). */
export function inviteScreen(
  code: string | undefined,
  onLoggedIn: (session: ResidentLoginReply) => void,
): HTMLElement {
  const input = (id: string, attrs: Record<string, string | number | boolean>) =>
    h('input', { id, name: id, testid: id, required: true, maxlength: 200, ...attrs });
  const password = input('invite-password', {
    type: 'password',
    autocomplete: 'new-password',
    minlength: RESIDENT_PASSWORD_MIN_CHARS,
  });
  const repeat = input('invite-repeat', { type: 'password', autocomplete: 'new-password' });
  const deviceName = input('invite-device', { maxlength: 100, value: 'Browser' });
  const typed = input('invite-code', { autocomplete: 'off', autocapitalize: 'none', maxlength: 100 });
  const error = h('p', { class: 'error', role: 'alert', testid: 'invite-error' });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'invite-submit' }, 'Set password');
  const form = h(
    'form',
    { class: 'card', testid: 'invite-form', 'aria-labelledby': 'invite-title' },
    h('h1', { id: 'invite-title' }, 'Welcome: choose your password'),
    code === undefined && h('label', { for: 'invite-code' }, 'Invite code'),
    code === undefined && typed,
    h('p', { class: 'muted' }, `Choose a password of at least ${RESIDENT_PASSWORD_MIN_CHARS} characters.`),
    h('label', { for: 'invite-password' }, 'Password'),
    password,
    h('label', { for: 'invite-repeat' }, 'Password again'),
    repeat,
    h('label', { for: 'invite-device' }, 'Name of this device'),
    deviceName,
    submit,
    error,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    unlockAudio();
    if (password.value !== repeat.value) {
      error.textContent = 'The two passwords differ.';
      return;
    }
    submit.disabled = true;
    error.textContent = '';
    try {
      onLoggedIn(
        await redeemInvite({
          code: code ?? typed.value.trim(),
          password: password.value,
          deviceName: deviceName.value.trim() || 'Browser',
          appDeviceId: installAppDeviceId(),
        }),
      );
    } catch (err) {
      error.textContent = inviteError(err);
      submit.disabled = false;
    }
  });
  return h('main', { class: 'screen login' }, form);
}

function inviteError(err: unknown): string {
  if (!(err instanceof ApiError)) return 'The invite could not be used.';
  if (err.status === 429) return `Too many attempts. Try again in ${err.retryAfterS ?? 60} seconds.`;
  // The hub's own words: used, expired, or what was wrong with the password.
  return err.message;
}
