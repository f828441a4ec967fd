/**
 * The on-screen keyboard of the name search: the kiosk has no system keyboard, and a visitor in gloves
 * needs big keys. Alphabetical (easier to find letters in than QWERTY for people who rarely type), with
 * the language's own letters at the end (æ ø å, å ä ö), a space and a delete key. Keys are buttons:
 * touch, mouse and keyboard (Tab, Enter) all work, and each is at least 48 px.
 */
import type { PanelLanguage } from '../../../cloud-sync/protocol/panel-api.ts';
import { button, h } from '../dom.ts';
import type { Catalogue } from '../i18n/catalogue.ts';
import { icon } from './icons.ts';

const LATIN = 'abcdefghijklmnopqrstuvwxyz';
const EXTRA: Record<PanelLanguage, string> = { nb: 'æøå', sv: 'åäö', en: '' };

export type KeyPress = { letter: string } | { key: 'space' | 'delete' };

export class LetterKeyboard {
  readonly element = h('div', { class: 'letters', role: 'group', testid: 'letters' });
  readonly #onKey: (press: KeyPress) => void;

  constructor(onKey: (press: KeyPress) => void) {
    this.#onKey = onKey;
  }

  /** Rebuilds the keys for `lang` (its letters, its words for space and delete). */
  translate(t: Catalogue, lang: PanelLanguage): void {
    const d = t.visitor.directory;
    this.element.setAttribute('aria-label', d.keyboard);
    const letters = [...LATIN, ...EXTRA[lang]].map((letter) =>
      button(
        { class: 'key', testid: `key-${letter}` },
        () => this.#onKey({ letter }),
        letter.toLocaleUpperCase(lang),
      ),
    );
    const space = button(
      { class: 'key key-wide', testid: 'key-space' },
      () => this.#onKey({ key: 'space' }),
      d.space,
    );
    const del = button(
      { class: 'key key-delete', testid: 'key-delete', 'aria-label': d.delete },
      () => this.#onKey({ key: 'delete' }),
      icon('delete'),
    );
    this.element.replaceChildren(...letters, space, del);
  }
}
