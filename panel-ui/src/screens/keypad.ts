/**
 * The keypad: the visitor dials a flat number (the unit's `unitNumber`); the flat's bell appears as soon
 * as the number is complete (one touch rings it), several bells of one flat are listed to choose from,
 * and a number no flat has (or starts with) says so at once instead of waiting for a "call" press.
 */
import type { DirectoryEntry } from '../../../cloud-sync/protocol/panel-api.ts';
import { bellsOfFlat } from '../directory-search.ts';
import { button, h } from '../dom.ts';
import { bellRow } from './bell-row.ts';
import type { PanelContext } from './context.ts';
import { icon } from './icons.ts';
import type { Screen } from './screen.ts';
import { screenBar } from './screen-bar.ts';

const MAX_DIGITS = 8;
type KeypadState = 'empty' | 'typing' | 'found' | 'no-match';

export function keypadScreen(ctx: PanelContext): Screen {
  const bar = screenBar(ctx, 'keypad', { to: 'directory', icon: 'search' });
  const displayLabel = h('span', { class: 'visually-hidden', id: 'keypad-display-label' });
  const display = h('output', {
    class: 'keypad-display',
    testid: 'keypad-display',
    'aria-labelledby': 'keypad-display-label',
  });
  const message = h('p', {
    class: 'keypad-message',
    role: 'status',
    'aria-live': 'polite',
    testid: 'keypad-message',
  });
  const results = h('ul', { class: 'keypad-results', testid: 'keypad-results' });
  const press = (key: string) => () => typed(key);
  const digitKeys = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) =>
    button({ class: 'digit', testid: `keypad-${d}` }, press(d), d),
  );
  const deleteKey = button(
    { class: 'digit digit-action', testid: 'keypad-delete' },
    press('delete'),
    icon('delete'),
  );
  const clearKey = button({ class: 'digit digit-action', testid: 'keypad-clear' }, press('clear'), h('span'));
  const zero = button({ class: 'digit', testid: 'keypad-0' }, press('0'), '0');
  const keys = h('div', { class: 'digits', role: 'group' }, ...digitKeys, clearKey, zero, deleteKey);
  const element = h(
    'section',
    { class: 'screen keypad-screen', 'aria-labelledby': 'keypad-title' },
    bar.element,
    h(
      'div',
      { class: 'keypad-body' },
      h('div', { class: 'keypad-side' }, displayLabel, display, message, results),
      keys,
    ),
  );

  let digits = '';

  function render(speak: boolean): void {
    const t = ctx.t();
    const k = t.visitor.keypad;
    const bells = ctx.state.directory?.bells ?? [];
    const { exact, possible } = bellsOfFlat(bells, digits);
    const state: KeypadState = !digits ? 'empty' : exact.length ? 'found' : possible ? 'typing' : 'no-match';
    element.dataset['state'] = state;
    display.textContent = digits;
    results.replaceChildren(...exact.map((bell) => bellRow(bell, t, 'keypad-', ring)));
    const unit = exact[0]?.unitName ?? '';
    message.textContent =
      state === 'no-match'
        ? `${k.noMatch(digits)} ${k.noMatchHint}`
        : state === 'found'
          ? exact.length === 1
            ? k.found(exact[0]!.displayText, unit)
            : k.choose(unit)
          : k.prompt;
    if (speak && (state === 'found' || state === 'no-match')) ctx.speech.say(message.textContent, 'keypad');
  }

  function ring(bell: DirectoryEntry): void {
    void ctx.calls.ring(bell);
  }

  function typed(key: string): void {
    if (key === 'delete') digits = digits.slice(0, -1);
    else if (key === 'clear') digits = '';
    else if (digits.length < MAX_DIGITS) {
      digits += key;
      ctx.speech.say(key, 'key');
    }
    render(true);
  }

  // A real keyboard's digits work too (a keyboard-only visitor, the tests).
  element.addEventListener('keydown', (event) => {
    if (/^[0-9]$/.test(event.key)) typed(event.key);
    else if (event.key === 'Backspace') typed('delete');
    else if (event.key === 'Escape') typed('clear');
    else return;
    event.preventDefault();
  });
  ctx.state.directoryChanged.on(() => render(false));

  return {
    name: 'keypad',
    element,
    heading: bar.heading,
    enter: () => render(false),
    reset: () => {
      digits = '';
      render(false);
    },
    translate: (t) => {
      const k = t.visitor.keypad;
      bar.setTexts({ title: k.title, back: k.back, other: k.toSearch });
      displayLabel.textContent = k.display;
      keys.setAttribute('aria-label', k.display);
      deleteKey.setAttribute('aria-label', k.delete);
      clearKey.firstElementChild!.textContent = k.clear;
      render(false);
    },
    spoken: () => `${ctx.t().visitor.keypad.title}.`,
  };
}
