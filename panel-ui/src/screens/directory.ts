/**
 * The directory with search: a search field the on-screen keyboard (or a real one) types into, the
 * matching bells as big rows that ring when touched, a count read out politely, and a clear no-match
 * message that points to the keypad. `[data-testid="directory"]` is the list.
 */
import type { DirectoryEntry, PanelLanguage } from '../../../cloud-sync/protocol/panel-api.ts';
import { searchDirectory } from '../directory-search.ts';
import { button, h, replace } from '../dom.ts';
import { plural } from '../i18n/format.ts';
import { bellRow } from './bell-row.ts';
import type { PanelContext } from './context.ts';
import { icon } from './icons.ts';
import { type KeyPress, LetterKeyboard } from './letter-keyboard.ts';
import type { Screen } from './screen.ts';
import { screenBar } from './screen-bar.ts';

const MAX_QUERY = 40;

export function directoryScreen(ctx: PanelContext): Screen {
  const bar = screenBar(ctx, 'directory', { to: 'keypad', icon: 'keypad' });
  const label = h('label', { class: 'visually-hidden', for: 'search' });
  // inputmode=none: no system keyboard pops up over ours on a touch screen; a real keyboard still types.
  const search = h('input', {
    id: 'search',
    type: 'search',
    class: 'search',
    autocomplete: 'off',
    spellcheck: 'false',
    inputmode: 'none',
    maxlength: MAX_QUERY,
    testid: 'search',
  });
  const clearLabel = h('span');
  const clear = button(
    { class: 'search-clear', testid: 'search-clear' },
    () => setQuery(''),
    icon('cross'),
    clearLabel,
  );
  const count = h('p', { class: 'count', role: 'status', 'aria-live': 'polite', testid: 'directory-count' });
  const list = h('ul', { class: 'directory', testid: 'directory', 'aria-labelledby': 'directory-title' });
  const noMatch = h('div', { class: 'no-match', testid: 'directory-no-match', hidden: true });
  const keyboard = new LetterKeyboard((press) => typed(press));
  const element = h(
    'section',
    { class: 'screen directory-screen', 'aria-labelledby': 'directory-title' },
    bar.element,
    h('div', { class: 'search-row' }, label, search, clear),
    count,
    h('div', { class: 'directory-body' }, h('div', { class: 'results' }, list, noMatch), keyboard.element),
  );

  let lang: PanelLanguage = ctx.choices.current.language;

  function render(): void {
    const t = ctx.t();
    const d = t.visitor.directory;
    const bells = ctx.state.directory?.bells ?? [];
    const query = search.value.trim();
    const shown = searchDirectory(bells, query);
    list.replaceChildren(...shown.map((bell) => bellRow(bell, t, '', ring)));
    const none = query !== '' && shown.length === 0;
    noMatch.hidden = !none;
    if (none) {
      const toKeypad = button(
        { class: 'link-button', testid: 'no-match-keypad' },
        () => ctx.screens.show('keypad'),
        icon('keypad'),
        d.toKeypad,
      );
      replace(
        noMatch,
        h('p', { class: 'no-match-title' }, d.noMatch(query)),
        h('p', {}, d.noMatchHint),
        toKeypad,
      );
    }
    if (!ctx.state.directory) count.textContent = d.unavailable;
    else if (none) count.textContent = '';
    else if (bells.length === 0) count.textContent = d.empty;
    else count.textContent = plural(lang, query ? d.results : d.all, shown.length);
    clear.hidden = query === '';
  }

  function ring(bell: DirectoryEntry): void {
    void ctx.calls.ring(bell);
  }

  function setQuery(value: string): void {
    search.value = value.slice(0, MAX_QUERY);
    render();
  }

  function typed(press: KeyPress): void {
    if ('letter' in press) {
      setQuery(search.value + press.letter);
      ctx.speech.say(press.letter, 'key');
    } else if (press.key === 'space') {
      if (search.value && !search.value.endsWith(' ')) setQuery(`${search.value} `);
    } else setQuery(search.value.slice(0, -1));
  }

  search.addEventListener('input', render);
  // A real keyboard types into the search wherever the focus is on this screen (it starts on the title).
  element.addEventListener('keydown', (event) => {
    if (event.target === search || event.ctrlKey || event.altKey || event.metaKey) return;
    if (event.key === 'Backspace') typed({ key: 'delete' });
    else if (event.key === ' ' && event.target === bar.heading) typed({ key: 'space' });
    else if (/^\p{L}$/u.test(event.key)) typed({ letter: event.key.toLocaleLowerCase() });
    else return;
    event.preventDefault();
  });
  ctx.state.directoryChanged.on(render);

  return {
    name: 'directory',
    element,
    heading: bar.heading,
    enter: render,
    reset: () => setQuery(''),
    translate: (t, next) => {
      lang = next;
      const d = t.visitor.directory;
      bar.setTexts({ title: d.title, back: d.back, other: d.toKeypad });
      label.textContent = d.searchLabel;
      search.placeholder = d.placeholder;
      clearLabel.textContent = d.clear;
      keyboard.translate(t, next);
      render();
    },
    spoken: () => `${ctx.t().visitor.directory.title}. ${count.textContent ?? ''}`,
  };
}
