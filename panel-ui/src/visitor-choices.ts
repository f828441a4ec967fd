/**
 * The visitor's choices: language, large text, high contrast, read aloud. They start from the
 * building's defaults (its language from the directory's site) and go back to them when the visitor
 * walks away (the idle timer), so the next visitor does not inherit them. Applied to the document:
 * `<html lang>`, `html[data-text="large"]`, `html[data-contrast="high"]` (style.css reads those).
 */
import type { PanelLanguage } from '../../cloud-sync/protocol/panel-api.ts';
import { Listeners } from './listeners.ts';

export interface Choices {
  language: PanelLanguage;
  largeText: boolean;
  highContrast: boolean;
  readAloud: boolean;
}

export class VisitorChoices {
  #defaults: Choices;
  #current: Choices;
  readonly changed = new Listeners<{ now: Choices; before: Choices }>();

  constructor(defaults: Choices) {
    this.#defaults = { ...defaults };
    this.#current = { ...defaults };
  }

  get current(): Readonly<Choices> {
    return this.#current;
  }

  set(change: Partial<Choices>): void {
    this.#apply({ ...this.#current, ...change });
  }

  /**
   * The building's default language changed (a config the panel applied): it becomes the default, and
   * the screen follows it unless the visitor has picked another language.
   */
  setDefaultLanguage(language: PanelLanguage): void {
    if (language === this.#defaults.language) return;
    const followed = this.#current.language === this.#defaults.language;
    this.#defaults = { ...this.#defaults, language };
    if (followed) this.set({ language });
  }

  reset(): void {
    this.#apply({ ...this.#defaults });
  }

  #apply(next: Choices): void {
    const before = this.#current;
    this.#current = next;
    writeToDocument(next);
    const keys = Object.keys(next) as (keyof Choices)[];
    if (keys.some((key) => before[key] !== next[key])) this.changed.emit({ now: next, before });
  }

  /** Writes the current choices to the document without a change event (the first render). */
  applyNow(): void {
    writeToDocument(this.#current);
  }
}

function writeToDocument(choices: Choices): void {
  const html = document.documentElement;
  html.lang = choices.language;
  html.dataset['text'] = choices.largeText ? 'large' : 'normal';
  html.dataset['contrast'] = choices.highContrast ? 'high' : 'normal';
  html.dataset['readAloud'] = choices.readAloud ? 'on' : 'off';
}
