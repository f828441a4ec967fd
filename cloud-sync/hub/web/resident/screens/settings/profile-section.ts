/** The resident's profile: name, phone number (rung by the phone fallback) and e-mail. */
import type { SelfProfile } from '../../../../../protocol/resident-self-service.ts';
import type { ResidentApi } from '../../api.ts';
import { h } from '../../dom.ts';
import { busy, feedback, field } from './form.ts';

export function profileSection(api: ResidentApi): { el: HTMLElement; refresh(): Promise<void> } {
  const name = h('input', { testid: 'profile-name', autocomplete: 'name', maxlength: 200, required: true });
  const phone = h('input', {
    testid: 'profile-phone',
    type: 'tel',
    autocomplete: 'tel',
    placeholder: '+46701234567',
  });
  const email = h('input', { testid: 'profile-email', type: 'email', autocomplete: 'email', maxlength: 254 });
  const result = feedback('profile-result');
  const save = h('button', { type: 'submit', class: 'primary', testid: 'profile-save' }, 'Save profile');
  const show = (p: SelfProfile) => {
    name.value = p.name;
    phone.value = p.phone ?? '';
    email.value = p.email ?? '';
  };
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: (event: Event) => {
        event.preventDefault();
        void busy(save, async () => {
          try {
            show(
              await api.updateProfile({
                name: name.value.trim(),
                phone: phone.value.trim() || null,
                email: email.value.trim() || null,
              }),
            );
            result.ok('Saved.');
          } catch (err) {
            result.fail(err);
          }
        });
      },
    },
    field('Name', name),
    field('Phone number (called when no app answers)', phone),
    field('E-mail', email),
    save,
    result.el,
  );
  const el = h(
    'section',
    { class: 'card', testid: 'profile', 'aria-labelledby': 'profile-title' },
    h('h2', { id: 'profile-title' }, 'Profile'),
    form,
  );
  return {
    el,
    refresh: async () => {
      try {
        show(await api.profile());
      } catch (err) {
        result.fail(err);
      }
    },
  };
}
