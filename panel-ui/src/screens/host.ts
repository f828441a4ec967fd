/**
 * The screen host: one screen shown at a time inside the page's root, `body[data-screen]` naming it,
 * focus moved to its heading on every change (keyboard and screen-reader users land on the new screen,
 * not on a button of the old one that has just been hidden).
 */
import type { PanelLanguage } from '../../../cloud-sync/protocol/panel-api.ts';
import type { Catalogue } from '../i18n/catalogue.ts';
import { Listeners } from '../listeners.ts';
import type { Screen } from './screen.ts';

export class ScreenHost {
  readonly #root: HTMLElement;
  readonly #screens = new Map<string, Screen>();
  #current: Screen | undefined;
  readonly changed = new Listeners<Screen>();

  constructor(root: HTMLElement) {
    this.#root = root;
  }

  add(screen: Screen): void {
    if (this.#screens.has(screen.name)) throw new Error(`two screens are named "${screen.name}"`);
    this.#screens.set(screen.name, screen);
    screen.element.hidden = true;
    screen.element.dataset['screenName'] = screen.name;
    screen.heading.tabIndex = -1;
    this.#root.append(screen.element);
  }

  get current(): Screen | undefined {
    return this.#current;
  }

  has(name: string): boolean {
    return this.#screens.has(name);
  }

  show(name: string): void {
    const next = this.#screens.get(name);
    if (!next) throw new Error(`no screen "${name}"; screens: ${[...this.#screens.keys()].join(', ')}`);
    const previous = this.#current;
    if (previous === next) {
      // Shown again (a call that moved on, a second outcome): refreshed, focus left where it is.
      next.enter?.();
      this.changed.emit(next);
      return;
    }
    if (previous) {
      previous.leave?.();
      previous.element.hidden = true;
    }
    this.#current = next;
    next.element.hidden = false;
    document.body.dataset['screen'] = name;
    next.enter?.();
    next.heading.focus({ preventScroll: true });
    next.element.scrollTop = 0;
    this.changed.emit(next);
  }

  translate(t: Catalogue, lang: PanelLanguage): void {
    for (const screen of this.#screens.values()) screen.translate(t, lang);
  }

  /** Every screen forgets the visitor's input (the idle timer's reset). */
  resetAll(): void {
    for (const screen of this.#screens.values()) screen.reset?.();
  }
}
