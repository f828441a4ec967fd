/**
 * The signed-in resident's doorbell at this panel: show or hide their name, and the text on their own
 * bell here (typed on the on-screen keyboard, or "Use my name"). "Send the change" sends what changed
 * to the panel, which passes it to the hub; nothing changes on this screen until the hub's new config
 * arrives (the hub is the source of truth). While the hub cannot be reached the panel takes no change,
 * and the screen says so.
 */
import { button, h } from '../dom.ts';
import type { PanelContext } from '../screens/context.ts';
import type { Screen } from '../screens/screen.ts';
import { ResidentApiError, residentApi } from './resident-api.ts';
import { residentBar } from './resident-bar.ts';
import type { ResidentFlow } from './resident-flow.ts';
import { TAP_SCREEN } from './tap-screen.ts';
import { TextKeyboard } from './text-keyboard.ts';

export const SETTINGS_SCREEN = 'resident-settings';
const TEXT_MAX = 60;
// What the hub refuses in a bell text (protocol's shownText): control and direction characters.
const NOT_SHOWN = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

export function residentSettingsScreen(ctx: PanelContext, flow: ResidentFlow): Screen {
  /** What the resident has set on this screen, not sent yet. */
  let draft = { hidden: false, useName: false };
  let busy = false;
  const bar = residentBar(SETTINGS_SCREEN, () => {
    flow.end();
    ctx.screens.show('home');
  });
  const hello = h('p', { class: 'resident-hello', testid: 'resident-hello' });
  const showLabel = h('span');
  const showName = button(
    { class: 'resident-switch', testid: 'resident-show-name', role: 'switch' },
    () => {
      draft.hidden = !draft.hidden;
      render();
    },
    showLabel,
  );
  const visibility = h('p', { class: 'resident-hint', testid: 'resident-visibility' });
  const textLabel = h('label', { for: 'resident-display-text' });
  const input = h('input', {
    id: 'resident-display-text',
    class: 'resident-input',
    testid: 'resident-display-text',
    maxlength: TEXT_MAX,
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const useName = button(
    { testid: 'resident-use-name' },
    () => {
      draft.useName = true;
      input.value = flow.settings?.name ?? '';
      keyboard.follow(input.value);
      render();
    },
    h('span'),
  );
  const noOwnBell = h('p', { class: 'resident-hint', testid: 'resident-no-own-bell' });
  const keyboard = new TextKeyboard((press) => {
    input.value = 'key' in press ? input.value.slice(0, -1) : (input.value + press.text).slice(0, TEXT_MAX);
    draft.useName = false;
    keyboard.follow(input.value);
  });
  const textPart = h(
    'div',
    { class: 'resident-text' },
    textLabel,
    h('div', { class: 'resident-text-row' }, input, useName),
  );
  const message = h('p', {
    class: 'resident-message',
    role: 'status',
    'aria-live': 'polite',
    testid: 'resident-message',
  });
  const saveLabel = h('span');
  const save = button({ class: 'resident-save', testid: 'resident-save' }, () => void send(), saveLabel);
  const element = h(
    'section',
    { class: 'screen resident-screen resident-settings', 'aria-labelledby': `${SETTINGS_SCREEN}-title` },
    bar.element,
    h(
      'div',
      { class: 'resident-settings-body' },
      h(
        'div',
        { class: 'resident-settings-side' },
        hello,
        showName,
        visibility,
        textPart,
        noOwnBell,
        save,
        message,
      ),
      keyboard.element,
    ),
  );
  input.addEventListener('input', () => {
    draft.useName = false;
    keyboard.follow(input.value);
  });

  function render(): void {
    const r = ctx.t().resident.settings;
    const settings = flow.settings;
    showName.setAttribute('aria-checked', String(!draft.hidden));
    visibility.textContent = draft.hidden ? r.hidden : r.shown;
    const ownBell = settings?.displayName !== null;
    textPart.hidden = !ownBell;
    keyboard.element.hidden = !ownBell;
    noOwnBell.hidden = ownBell;
    hello.textContent = settings ? r.hello(settings.name) : '';
    save.disabled = busy;
  }

  /** The fields that differ from what the panel has now. */
  function patch(): { displayName?: string | null; hidden?: boolean } | string {
    const settings = flow.settings;
    const r = ctx.t().resident.settings;
    if (!settings) return r.ended;
    const out: { displayName?: string | null; hidden?: boolean } = {};
    if (draft.hidden !== settings.hidden) out.hidden = draft.hidden;
    if (settings.displayName !== null) {
      const text = input.value.trim();
      if (draft.useName) {
        if (settings.displayName !== settings.name) out.displayName = null;
      } else if (text !== settings.displayName) {
        if (!text) return r.empty;
        if (text.length > TEXT_MAX || NOT_SHOWN.test(text)) return r.tooLong;
        out.displayName = text;
      }
    }
    return Object.keys(out).length > 0 ? out : r.nothingChanged;
  }

  async function send(): Promise<void> {
    const r = ctx.t().resident.settings;
    const change = patch();
    if (typeof change === 'string') {
      message.textContent = change;
      ctx.speech.say(change, 'resident');
      return;
    }
    if (busy || !flow.token) return;
    busy = true;
    message.textContent = r.sending;
    render();
    try {
      await residentApi.change(flow.token, change);
      ctx.screens.show('resident-sent');
    } catch (err) {
      const e = err instanceof ResidentApiError ? err : undefined;
      if (e?.status === 401) {
        flow.end();
        flow.notice = r.ended;
        ctx.screens.show(TAP_SCREEN);
      } else {
        const text =
          e?.code === 'hub_unreachable'
            ? r.hubDown
            : e?.code === 'no_own_bell'
              ? r.noOwnBell
              : e?.status === 0
                ? ctx.t().resident.unreachable
                : r.failed;
        message.textContent = text;
        ctx.speech.say(text, 'resident');
      }
    } finally {
      busy = false;
      render();
    }
  }

  return {
    name: SETTINGS_SCREEN,
    element,
    heading: bar.heading,
    enter: () => {
      const settings = flow.settings;
      draft = { hidden: settings?.hidden ?? false, useName: false };
      input.value = settings?.displayName ?? '';
      keyboard.follow(input.value);
      message.textContent = '';
      render();
    },
    reset: () => flow.end(),
    translate: (t, lang) => {
      const r = t.resident.settings;
      bar.setTexts({ title: r.title, back: t.resident.signOut });
      showLabel.textContent = r.showName;
      textLabel.textContent = r.text;
      useName.firstElementChild!.textContent = r.useName;
      noOwnBell.textContent = r.noOwnBell;
      saveLabel.textContent = r.save;
      keyboard.translate(t, lang);
      render();
    },
    spoken: () => {
      const name = flow.settings?.name;
      return name ? ctx.t().resident.settings.hello(name) : undefined;
    },
  };
}
