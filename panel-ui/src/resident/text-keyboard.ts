/**
 * The on-screen keyboard for the text on a resident's bell: the kiosk has no system keyboard. Letters
 * of the screen's language (æ ø å, å ä ö at the end, as on the visitor's search keyboard), a shift key
 * that capitalizes the next letter (on by itself at the start of a word), space, hyphen, full stop,
 * apostrophe and delete. Every key is a button of at least 48 px; a real keyboard types into the field
 * as well.
 */
import type { PanelLanguage } from '../../../cloud-sync/protocol/panel-api.ts';
import { button, h, setPressed } from '../dom.ts';
import type { Catalogue } from '../i18n/catalogue.ts';
import { icon } from '../screens/icons.ts';

const LATIN = 'abcdefghijklmnopqrstuvwxyz';
const EXTRA: Record<PanelLanguage, string> = { nb: 'æøå', sv: 'åäö', en: '' };
const MARKS = ['-', '.', "'"];

export type TextKey = { text: string } | { key: 'delete' };

export class TextKeyboard {
  readonly element = h('div', { class: 'letters text-keys', role: 'group', testid: 'resident-keys' });
  readonly #onKey: (press: TextKey) => void;
  #lang: PanelLanguage = 'en';
  #shift = true;
  #shiftKey: HTMLButtonElement | undefined;
  #letters: { el: HTMLButtonElement; letter: string }[] = [];

  constructor(onKey: (press: TextKey) => void) {
    this.#onKey = onKey;
  }

  /** Capitals on for the next letter when the text so far ends a word (or is empty). */
  follow(text: string): void {
    this.#setShift(text === '' || /[\s-]$/.test(text));
  }

  translate(t: Catalogue, lang: PanelLanguage): void {
    const s = t.resident.settings;
    this.#lang = lang;
    this.element.setAttribute('aria-label', s.keyboard);
    this.#letters = [...LATIN, ...EXTRA[lang]].map((letter) => ({
      letter,
      el: button({ class: 'key', testid: `rkey-${letter}` }, () => this.#letter(letter), letter),
    }));
    const shift = button(
      { class: 'key key-wide', testid: 'rkey-shift', 'aria-label': s.shift },
      () => this.#setShift(!this.#shift),
      '⇧',
    );
    this.#shiftKey = shift;
    const marks = MARKS.map((mark) =>
      button({ class: 'key', testid: `rkey-${mark}` }, () => this.#onKey({ text: mark }), mark),
    );
    const space = button(
      { class: 'key key-wide', testid: 'rkey-space' },
      () => this.#onKey({ text: ' ' }),
      s.space,
    );
    const del = button(
      { class: 'key key-delete', testid: 'rkey-delete', 'aria-label': s.delete },
      () => this.#onKey({ key: 'delete' }),
      icon('delete'),
    );
    this.element.replaceChildren(...this.#letters.map((l) => l.el), shift, ...marks, space, del);
    this.#setShift(this.#shift);
  }

  #letter(letter: string): void {
    this.#onKey({ text: this.#shift ? letter.toLocaleUpperCase(this.#lang) : letter });
  }

  #setShift(on: boolean): void {
    this.#shift = on;
    if (this.#shiftKey) setPressed(this.#shiftKey, on);
    for (const { el, letter } of this.#letters)
      el.textContent = on ? letter.toLocaleUpperCase(this.#lang) : letter;
  }
}
