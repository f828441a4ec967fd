/**
 * "Tap your card": the first resident screen. It waits for the next card tap the panel reports on the
 * screen stream (the page hands it over: `takeCard`); a granted tap's id goes on to the PIN screen (the panel checks there that the card is
 * the resident's own and active). A refused card gets the card feedback's neutral words and a line
 * here; nobody's name is ever shown for a tap.
 */
import type { CardFeedback } from '../../../cloud-sync/protocol/panel-api.ts';
import { h } from '../dom.ts';
import type { PanelContext } from '../screens/context.ts';
import type { Screen } from '../screens/screen.ts';
import { residentBar } from './resident-bar.ts';
import type { ResidentFlow } from './resident-flow.ts';

export const TAP_SCREEN = 'resident-tap';

export function residentTapScreen(
  ctx: PanelContext,
  flow: ResidentFlow,
): Screen & { takeCard(feedback: CardFeedback): boolean } {
  const bar = residentBar(TAP_SCREEN, () => ctx.screens.show('home'));
  const prompt = h('p', { class: 'resident-prompt', testid: 'resident-tap-prompt' });
  const hint = h('p', { class: 'resident-hint' });
  const message = h('p', {
    class: 'resident-message',
    role: 'status',
    'aria-live': 'polite',
    testid: 'resident-tap-message',
  });
  const element = h(
    'section',
    { class: 'screen resident-screen resident-tap', 'aria-labelledby': `${TAP_SCREEN}-title` },
    bar.element,
    h('div', { class: 'resident-center' }, cardPicture(), prompt, hint, message),
  );

  /**
   * A tap while this screen waits for one: a granted one goes on to the PIN at once (the PIN screen is
   * its feedback: true, the page shows no card feedback over it); a refused one gets a line here and the
   * page's usual feedback (false).
   */
  const takeCard = (feedback: CardFeedback): boolean => {
    if (ctx.screens.current?.name !== TAP_SCREEN) return false;
    if (!feedback.granted) {
      message.textContent = ctx.t().resident.tap.notYours;
      return false;
    }
    flow.tapId = feedback.tapId;
    ctx.screens.show('resident-pin');
    return true;
  };

  return {
    takeCard,
    name: TAP_SCREEN,
    element,
    heading: bar.heading,
    enter: () => {
      message.textContent = flow.notice ?? '';
      flow.notice = undefined;
    },
    reset: () => flow.end(),
    translate: (t) => {
      const r = t.resident;
      bar.setTexts({ title: r.tap.title, back: r.back });
      prompt.textContent = r.tap.prompt;
      hint.textContent = r.tap.hint;
    },
    spoken: () => ctx.t().resident.tap.prompt,
  };
}

/** A card held to a reader: a line drawing in the text colour, hidden from screen readers. */
function cardPicture(): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 48 48');
  svg.setAttribute('class', 'resident-card-icon');
  svg.setAttribute('aria-hidden', 'true');
  for (const d of ['M4 14h24v18H4z', 'M8 20h10M8 25h6', 'M33 15a9 9 0 0 1 0 16', 'M38 10a15 15 0 0 1 0 26']) {
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}
