/**
 * The PIN the resident chose in the resident app, on big keys (digits only, shown as dots). The panel
 * checks it with the tap from the tap screen; what comes back is said in the screen's language: a wrong
 * PIN, the pause after too many (keys off and a countdown), a tap too old or a card that may not sign
 * in (back to the tap screen), no PIN set yet (set one in the app).
 */
import { button, h } from '../dom.ts';
import type { PanelContext } from '../screens/context.ts';
import { icon } from '../screens/icons.ts';
import type { Screen } from '../screens/screen.ts';
import { ResidentApiError, residentApi } from './resident-api.ts';
import { residentBar } from './resident-bar.ts';
import type { ResidentFlow } from './resident-flow.ts';
import { TAP_SCREEN } from './tap-screen.ts';

const MIN_DIGITS = 4;
const MAX_DIGITS = 8;

export function residentPinScreen(ctx: PanelContext, flow: ResidentFlow): Screen {
  const bar = residentBar('resident-pin', () => ctx.screens.show('home'));
  const displayLabel = h('span', { class: 'visually-hidden', id: 'pin-display-label' });
  const display = h('output', {
    class: 'keypad-display pin-display',
    testid: 'pin-display',
    'aria-labelledby': 'pin-display-label',
  });
  const message = h('p', {
    class: 'keypad-message',
    role: 'status',
    'aria-live': 'polite',
    testid: 'pin-message',
  });
  const digitKeys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'].map((d) =>
    button({ class: 'digit', testid: `pin-${d}` }, () => typed(d), d),
  );
  const deleteKey = button(
    { class: 'digit digit-action', testid: 'pin-delete' },
    () => typed('delete'),
    icon('delete'),
  );
  const okKey = button(
    { class: 'digit digit-action pin-ok', testid: 'pin-ok' },
    () => void submit(),
    h('span'),
  );
  const keys = h(
    'div',
    { class: 'digits', role: 'group' },
    ...digitKeys.slice(0, 9),
    deleteKey,
    digitKeys[9]!,
    okKey,
  );
  const element = h(
    'section',
    { class: 'screen keypad-screen resident-screen', 'aria-labelledby': 'resident-pin-title' },
    bar.element,
    h(
      'div',
      { class: 'keypad-body' },
      h('div', { class: 'keypad-side' }, displayLabel, display, message),
      keys,
    ),
  );

  let digits = '';
  let busy = false;
  let cancelWait: (() => void) | undefined;

  const show = () => {
    display.textContent = '•'.repeat(digits.length);
    okKey.disabled = busy || digits.length < MIN_DIGITS;
  };
  const setKeys = (on: boolean) => {
    for (const key of [...digitKeys, deleteKey]) key.disabled = !on;
  };
  const say = (text: string) => {
    message.textContent = text;
    ctx.speech.say(text, 'resident');
  };

  function typed(key: string): void {
    if (busy) return;
    if (key === 'delete') digits = digits.slice(0, -1);
    else if (digits.length < MAX_DIGITS) digits += key;
    show();
  }

  /** Keys off for the pause the panel asked for, counting down. */
  function pause(seconds: number): void {
    cancelWait?.();
    setKeys(false);
    const tick = (left: number) => {
      if (left <= 0) {
        cancelWait = undefined;
        setKeys(true);
        message.textContent = ctx.t().resident.pin.prompt;
        return;
      }
      message.textContent = ctx.t().resident.pin.wait(left);
      cancelWait = ctx.clock.after(1000, () => tick(left - 1));
    };
    ctx.speech.say(ctx.t().resident.pin.wait(seconds), 'resident');
    tick(seconds);
  }

  async function submit(): Promise<void> {
    const p = ctx.t().resident.pin;
    if (busy || digits.length < MIN_DIGITS || !flow.tapId) return;
    busy = true;
    message.textContent = p.checking;
    show();
    try {
      flow.started(await residentApi.signIn(flow.tapId, digits));
      ctx.screens.show('resident-settings');
    } catch (err) {
      const e = err instanceof ResidentApiError ? err : undefined;
      if (e?.status === 401) say(p.wrong);
      else if (e?.status === 429) pause(e.retryAfterS ?? 30);
      else if (e?.status === 404 || e?.status === 403) {
        flow.notice = e.status === 404 ? p.tapAgain : p.notYours;
        ctx.screens.show(TAP_SCREEN);
      } else if (e?.code === 'no_pin') say(p.noPin);
      else say(ctx.t().resident.unreachable);
    } finally {
      busy = false;
      digits = '';
      show();
    }
  }

  element.addEventListener('keydown', (event) => {
    if (/^[0-9]$/.test(event.key)) typed(event.key);
    else if (event.key === 'Backspace') typed('delete');
    else if (event.key === 'Enter') void submit();
    else return;
    event.preventDefault();
  });

  const clear = () => {
    cancelWait?.();
    cancelWait = undefined;
    setKeys(true);
    digits = '';
    message.textContent = ctx.t().resident.pin.prompt;
    show();
  };

  return {
    name: 'resident-pin',
    element,
    heading: bar.heading,
    // Shown only from the tap screen, with the tap's id in the flow (submit checks it is there).
    enter: clear,
    leave: clear,
    reset: () => flow.end(),
    translate: (t) => {
      const p = t.resident.pin;
      bar.setTexts({ title: p.title, back: t.resident.back });
      displayLabel.textContent = p.display;
      keys.setAttribute('aria-label', p.display);
      deleteKey.setAttribute('aria-label', p.delete);
      okKey.firstElementChild!.textContent = p.ok;
      if (!busy && !cancelWait) message.textContent = p.prompt;
    },
    spoken: () => ctx.t().resident.pin.title,
  };
}
