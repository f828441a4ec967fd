/**
 * The PIN the resident confirms with at their panel, after tapping their own card there, to hide their
 * name or change the text of their bell at the door. Setting it asks for the current password; the hub
 * keeps only a hash and never shows it again, so the section says only whether one is set.
 */
import {
  PANEL_PIN_PATTERN,
  type PanelPinStatus,
  trivialPinIssue,
} from '../../../../../protocol/resident-panel.ts';
import type { ResidentApi } from '../../api.ts';
import { h } from '../../dom.ts';
import { busy, feedback, field } from './form.ts';

export function panelPinSection(api: ResidentApi): { el: HTMLElement; refresh(): Promise<void> } {
  const state = h('p', { testid: 'panel-pin-state' });
  const pin = h('input', {
    testid: 'panel-pin-new',
    type: 'password',
    inputmode: 'numeric',
    autocomplete: 'off',
    minlength: 4,
    maxlength: 8,
    pattern: '[0-9]{4,8}',
  });
  const password = h('input', {
    testid: 'panel-pin-password',
    type: 'password',
    autocomplete: 'current-password',
  });
  const result = feedback('panel-pin-result');
  const save = h('button', { type: 'submit', class: 'primary', testid: 'panel-pin-save' }, 'Set PIN');
  const clear = h('button', { type: 'button', testid: 'panel-pin-clear' }, 'Remove PIN');
  const show = (s: PanelPinStatus) => {
    state.textContent = s.set
      ? `A PIN is set${s.setAt === null ? '' : ` (since ${new Date(s.setAt).toLocaleDateString()})`}.`
      : 'No PIN is set: doorbell settings cannot be changed at the panel.';
    clear.hidden = !s.set;
    save.textContent = s.set ? 'Change PIN' : 'Set PIN';
  };
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: (event: Event) => {
        event.preventDefault();
        // The hub checks the same; saying it here spares a round trip (and a password try).
        const issue = PANEL_PIN_PATTERN.test(pin.value)
          ? trivialPinIssue(pin.value)
          : 'must be 4 to 8 digits';
        if (issue) {
          result.fail(new Error(`The PIN ${issue}.`));
          return;
        }
        void busy(save, async () => {
          try {
            show(await api.setPanelPin({ pin: pin.value, password: password.value }));
            pin.value = '';
            password.value = '';
            result.ok('Saved. Your panel knows it in a moment.');
          } catch (err) {
            result.fail(err);
          }
        });
      },
    },
    field('New PIN (4–8 digits, not 1234 or 1111)', pin),
    field('Your current password', password),
    save,
  );
  clear.addEventListener('click', () => {
    void busy(clear, async () => {
      try {
        show(await api.clearPanelPin());
        result.ok('Removed.');
      } catch (err) {
        result.fail(err);
      }
    });
  });
  const el = h(
    'section',
    { class: 'card', testid: 'panel-pin', 'aria-labelledby': 'panel-pin-title' },
    h('h2', { id: 'panel-pin-title' }, 'PIN at the door panel'),
    h(
      'p',
      { class: 'muted' },
      'At the panel of your building, tap your card and enter this PIN to hide your name or change the text on your bell there.',
    ),
    state,
    form,
    clear,
    result.el,
  );
  return {
    el,
    refresh: async () => {
      try {
        show(await api.panelPin());
      } catch (err) {
        result.fail(err);
      }
    },
  };
}
