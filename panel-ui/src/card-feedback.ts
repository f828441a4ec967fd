/**
 * Card feedback over whatever screen is shown: granted (which door or doors opened) or a neutral
 * refusal ("Card not accepted") that tells a stranger nothing — the panel sends no reason and no name,
 * and this shows none. Drawn synchronously in the stream's `card` handler (the bound is 100 ms
 * from the decision), with a WebAudio sound and, when read-aloud is on, the same words spoken.
 * `[data-testid="card-feedback"]` carries `data-result`, `data-tap-id` and `data-shown-at` (wall ms).
 */
import type { CardFeedback, PanelLanguage } from '../../cloud-sync/protocol/panel-api.ts';
import { type PageClock, wallNow } from './clock.ts';
import { h } from './dom.ts';
import type { Catalogue } from './i18n/catalogue.ts';
import { list } from './i18n/format.ts';
import { icon } from './screens/icons.ts';
import { playDenied, playGranted } from './sounds.ts';
import type { Speech } from './speech.ts';

export interface CardFeedbackDeps {
  clock: PageClock;
  /** How long the feedback stays (timings.cardMs); a touch on it dismisses it sooner. */
  showMs: number;
  t: () => Catalogue;
  lang: () => PanelLanguage;
  speech: Speech;
}

export class CardFeedbackView {
  readonly element: HTMLElement;
  readonly #title = h('p', { class: 'card-title', testid: 'card-title' });
  readonly #detail = h('p', { class: 'card-detail', testid: 'card-detail' });
  readonly #icon = h('div', { class: 'card-icon', 'aria-hidden': 'true' });
  readonly #deps: CardFeedbackDeps;
  #cancelHide: (() => void) | undefined;

  constructor(deps: CardFeedbackDeps) {
    this.#deps = deps;
    this.element = h(
      'div',
      { class: 'card-feedback', role: 'alert', testid: 'card-feedback', hidden: true },
      h('div', { class: 'card-box' }, this.#icon, h('div', {}, this.#title, this.#detail)),
    );
    // A touch on the feedback dismisses it (the visitor read it).
    this.element.addEventListener('pointerdown', () => this.#hide());
  }

  show(feedback: CardFeedback): void {
    const { t, lang, speech, clock, showMs } = this.#deps;
    const c = t().visitor.card;
    const names = feedback.doors.map((d) => d.name);
    const title = feedback.granted ? c.granted : c.denied;
    const detail = feedback.granted
      ? names.length > 0
        ? c.opened(list(lang(), names), names.length)
        : ''
      : c.deniedHint;
    const el = this.element;
    el.dataset['result'] = feedback.granted ? 'granted' : 'denied';
    el.dataset['tapId'] = feedback.tapId;
    this.#title.textContent = title;
    this.#detail.textContent = detail;
    this.#icon.replaceChildren(icon(feedback.granted ? 'check' : 'cross'));
    el.hidden = false;
    el.dataset['shownAt'] = String(Math.round(wallNow()));
    if (feedback.granted) playGranted();
    else playDenied();
    speech.say(detail ? `${title}. ${detail}` : title, 'card');
    this.#cancelHide?.();
    this.#cancelHide = clock.after(showMs, () => this.#hide());
  }

  #hide(): void {
    this.#cancelHide?.();
    this.#cancelHide = undefined;
    this.element.hidden = true;
  }
}
