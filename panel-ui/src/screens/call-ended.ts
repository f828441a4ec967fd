/**
 * How the call ended, for a few seconds (timings.outcomeMs), then home: the door that was opened
 * ("Welcome! Main entrance is open."), or no answer, busy, declined, could not be made, cannot be reached,
 * cancelled, another call in progress; with "Ring again" where that makes sense and "Back to start".
 * `data-outcome` names the case.
 */
import type { EndedCall, EndedReason } from '../call-control.ts';
import { button, h } from '../dom.ts';
import type { Catalogue } from '../i18n/catalogue.ts';
import type { PanelContext } from './context.ts';
import { type IconName, icon } from './icons.ts';
import type { Screen } from './screen.ts';

/** `door-opened` is an answered call during which the resident opened a door. */
export type OutcomeView = EndedReason | 'door-opened';

const RING_AGAIN: ReadonlySet<OutcomeView> = new Set(['no_answer', 'busy', 'failed', 'panel-busy']);

export function callEndedScreen(ctx: PanelContext): Screen {
  const visual = h('div', { class: 'ended-visual', 'aria-hidden': 'true' });
  const bellText = h('p', { class: 'ended-bell', testid: 'ended-bell' });
  const title = h('h1', { class: 'ended-title', id: 'ended-title', testid: 'ended-title' });
  const hint = h('p', { class: 'ended-hint', testid: 'ended-hint' });
  const againLabel = h('span');
  const homeLabel = h('span');
  const again = button(
    { class: 'ended-again', testid: 'ring-again' },
    () => ringAgain(),
    icon('bell'),
    againLabel,
  );
  const home = button(
    { class: 'ended-home', testid: 'ended-home' },
    () => ctx.screens.show('home'),
    icon('home'),
    homeLabel,
  );
  const element = h(
    'section',
    { class: 'screen ended-screen', 'aria-labelledby': 'ended-title' },
    visual,
    bellText,
    title,
    hint,
    h('div', { class: 'ended-actions' }, again, home),
  );
  let cancelTimer: (() => void) | undefined;

  function ringAgain(): void {
    const bellId = ctx.calls.lastEnded?.bell?.bellId;
    const bell = ctx.state.directory?.bells.find((b) => b.bellId === bellId);
    if (bell) void ctx.calls.ring(bell);
    else ctx.screens.show('home');
  }

  function render(): void {
    const ended = ctx.calls.lastEnded;
    if (!ended) return;
    const view = outcomeView(ended);
    const texts = outcomeTexts(ctx.t(), view, ended);
    element.dataset['outcome'] = view;
    visual.replaceChildren(icon(outcomeIcon(view), 'ended-icon'));
    bellText.textContent = ended.bell?.bellText ?? '';
    title.textContent = texts.title;
    hint.textContent = texts.hint;
    again.hidden = !RING_AGAIN.has(view) || !ended.bell;
  }

  return {
    name: 'call-ended',
    element,
    heading: title,
    enter: () => {
      render();
      const ended = ctx.calls.lastEnded;
      if (ended) {
        const texts = outcomeTexts(ctx.t(), outcomeView(ended), ended);
        ctx.speech.say(`${texts.title}. ${texts.hint}`, 'call');
      }
      cancelTimer?.();
      cancelTimer = ctx.clock.after(ctx.timings.outcomeMs, () => {
        cancelTimer = undefined;
        if (ctx.screens.current?.name === 'call-ended') ctx.screens.show('home');
      });
    },
    leave: () => {
      cancelTimer?.();
      cancelTimer = undefined;
    },
    translate: (t) => {
      againLabel.textContent = t.visitor.ended.ringAgain;
      homeLabel.textContent = t.visitor.ended.home;
      render();
    },
  };
}

function outcomeView(ended: EndedCall): OutcomeView {
  return ended.door ? 'door-opened' : ended.reason;
}

function outcomeIcon(view: OutcomeView): IconName {
  if (view === 'door-opened') return 'door';
  if (view === 'answered') return 'check';
  return view === 'cancelled' ? 'phone' : 'cross';
}

function outcomeTexts(t: Catalogue, view: OutcomeView, ended: EndedCall): { title: string; hint: string } {
  const e = t.visitor.ended;
  switch (view) {
    case 'door-opened':
      return { title: e.doorOpened(ended.door?.name ?? ''), hint: '' };
    case 'answered':
      return { title: e.answered, hint: e.answeredHint };
    case 'no_answer':
      return { title: e.noAnswer, hint: e.noAnswerHint };
    case 'busy':
      return { title: e.busy, hint: e.busyHint };
    case 'declined':
      return { title: e.declined, hint: e.declinedHint };
    case 'failed':
      return { title: e.failed, hint: e.failedHint };
    case 'unreachable':
      return { title: e.unreachable, hint: e.unreachableHint };
    case 'cancelled':
      return { title: e.cancelled, hint: e.cancelledHint };
    case 'panel-busy':
      return { title: e.panelBusy, hint: e.panelBusyHint };
  }
}
