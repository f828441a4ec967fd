/**
 * The call in progress, as the visitor sees it: whom they ring (the bell's text only — never the
 * resident's number, other residents or any detail of who answers), what is happening (calling, the
 * phone fallback dialing or ringing, connected with "Speak now" and a moving sound sign), the door the
 * resident opened, and one big button to cancel or hang up.
 */
import type { CallState } from '../../../cloud-sync/protocol/panel-api.ts';
import { button, h } from '../dom.ts';
import type { PanelContext } from './context.ts';
import { icon } from './icons.ts';
import type { Screen } from './screen.ts';

type Live = Exclude<CallState, { phase: 'idle' }>;

/** What the status line says; also `data-view` of the screen (the style and the tests read it). */
export type CallView = 'ringing' | 'phone-dialing' | 'phone-ringing' | 'connected';

export function callView(call: Live): CallView {
  if (call.phase === 'connected') return 'connected';
  if (call.phone === 'dialing') return 'phone-dialing';
  if (call.phone === 'ringing') return 'phone-ringing';
  return 'ringing';
}

export function callScreen(ctx: PanelContext): Screen {
  const title = h('h1', { class: 'call-title', id: 'call-title', testid: 'call-title' });
  const phase = h('p', { class: 'call-phase', testid: 'call-phase' });
  const hint = h('p', { class: 'call-hint', testid: 'call-hint' });
  const door = h('p', { class: 'call-door', testid: 'call-door', hidden: true }, icon('door'), h('span'));
  const hangupLabel = h('span');
  const hangup = button(
    { class: 'hangup', testid: 'hangup' },
    () => void ctx.calls.hangUp(),
    icon('phone'),
    hangupLabel,
  );
  const visual = h(
    'div',
    { class: 'call-visual', 'aria-hidden': 'true' },
    h('span', { class: 'pulse' }),
    icon('bell', 'call-icon call-icon-bell'),
    icon('sound', 'call-icon call-icon-sound'),
  );
  const status = h('div', { class: 'call-status', role: 'status', 'aria-live': 'polite' }, phase, hint, door);
  const element = h(
    'section',
    { class: 'screen call-screen', 'aria-labelledby': 'call-title', testid: 'call-dialog' },
    visual,
    title,
    status,
    hangup,
  );

  let spokenView = '';

  function render(): void {
    const call = ctx.state.call;
    if (call.phase === 'idle') return;
    const c = ctx.t().visitor.call;
    const view = callView(call);
    element.dataset['view'] = view;
    document.body.dataset['phoneLeg'] = call.phone ?? '';
    title.textContent = call.bellText;
    phase.textContent =
      view === 'connected'
        ? c.speakNow
        : view === 'phone-dialing'
          ? c.phoneDialing
          : view === 'phone-ringing'
            ? c.phoneRinging
            : c.ringing;
    hint.textContent = view === 'connected' ? c.audioLive : c.ringingHint;
    door.hidden = !call.doorOpened;
    door.lastElementChild!.textContent = call.doorOpened ? c.doorOpened(call.doorOpened.name) : '';
    hangupLabel.textContent = call.phase === 'connected' ? c.hangUp : c.cancel;
    const spoken = `${call.callId}/${view}/${call.doorOpened?.id ?? ''}`;
    if (spoken !== spokenView) {
      spokenView = spoken;
      ctx.speech.say(spokenLine(call, view), 'call');
    }
  }

  function spokenLine(call: Live, view: CallView): string {
    const c = ctx.t().visitor.call;
    if (call.doorOpened) return c.doorOpened(call.doorOpened.name);
    if (view === 'connected') return c.spokenConnected;
    if (view === 'ringing') return c.spokenRinging(call.bellText);
    return view === 'phone-dialing' ? c.phoneDialing : c.phoneRinging;
  }

  ctx.state.callChanged.on(() => {
    document.body.dataset['callPhase'] = ctx.state.call.phase;
    if (ctx.screens.current?.name === 'call') render();
  });

  return {
    name: 'call',
    element,
    heading: title,
    holdsIdle: true,
    enter: render,
    translate: () => {
      spokenView = '';
      if (ctx.screens.current?.name === 'call') render();
    },
  };
}
