/**
 * What a screen of the panel page is. A screen is a module that builds its own element once (a
 * <section> with a heading) and sets its texts from the catalogue; the host (host.ts) shows one at a
 * time. Visitor screens live in this folder, resident screens in ../resident/; both are added to the
 * host in ../main.ts.
 */
import type { PanelLanguage } from '../../../cloud-sync/protocol/panel-api.ts';
import type { Catalogue } from '../i18n/catalogue.ts';

export interface Screen {
  /** `body[data-screen]` while it is shown; unique among the host's screens. */
  readonly name: string;
  readonly element: HTMLElement;
  /**
   * Focused each time the screen is shown (the host gives it tabindex=-1), so a screen reader starts
   * reading the new screen and the keyboard's next Tab lands inside it.
   */
  readonly heading: HTMLElement;
  /** The idle timer leaves this screen alone: a call screen returns home when the call ends. */
  readonly holdsIdle?: boolean;
  /** Each time the screen is shown (also when shown again while already shown). */
  enter?(): void;
  /** Each time another screen replaces it. */
  leave?(): void;
  /** The visitor walked away (idle): forget what they typed or chose here. */
  reset?(): void;
  /** Sets every text from the catalogue: at start and at each language change. */
  translate(t: Catalogue, lang: PanelLanguage): void;
  /** What read-aloud says when the screen is shown; nothing when undefined. */
  spoken?(): string | undefined;
}
