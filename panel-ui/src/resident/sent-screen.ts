/**
 * "Sent — it shows here in a moment": the change is on its way to the hub, which applies it and sends
 * the panel its new directory (the visitor's screens show it then). The resident's session ends here;
 * the screen goes home by itself after a few seconds (timings.outcomeMs).
 */
import { button, h } from '../dom.ts';
import type { PanelContext } from '../screens/context.ts';
import { icon } from '../screens/icons.ts';
import type { Screen } from '../screens/screen.ts';
import type { ResidentFlow } from './resident-flow.ts';

export function residentSentScreen(ctx: PanelContext, flow: ResidentFlow): Screen {
  const title = h('h1', { class: 'ended-title', id: 'resident-sent-title', testid: 'resident-sent-title' });
  const detail = h('p', { class: 'ended-hint', testid: 'resident-sent-detail' });
  const homeLabel = h('span');
  const home = button(
    { testid: 'resident-sent-home' },
    () => ctx.screens.show('home'),
    icon('home'),
    homeLabel,
  );
  const element = h(
    'section',
    { class: 'screen ended-screen resident-screen', 'aria-labelledby': 'resident-sent-title' },
    icon('check', 'ended-icon resident-sent-icon'),
    title,
    detail,
    h('div', { class: 'ended-actions' }, home),
  );
  let cancel: (() => void) | undefined;
  return {
    name: 'resident-sent',
    element,
    heading: title,
    enter: () => {
      flow.end();
      cancel?.();
      cancel = ctx.clock.after(ctx.timings.outcomeMs, () => {
        if (ctx.screens.current?.name === 'resident-sent') ctx.screens.show('home');
      });
    },
    leave: () => {
      cancel?.();
      cancel = undefined;
    },
    translate: (t) => {
      title.textContent = t.resident.sent.title;
      detail.textContent = t.resident.sent.detail;
      homeLabel.textContent = t.resident.sent.home;
    },
    spoken: () => `${ctx.t().resident.sent.title}. ${ctx.t().resident.sent.detail}`,
  };
}
