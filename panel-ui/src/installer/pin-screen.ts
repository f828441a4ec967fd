/**
 * The PIN screen: a big keypad (the PIN is never shown, only how many digits are in), the panel's answer
 * in a live region, and the wrong-PIN wait counted down with the keys disabled until it is over.
 */
import type { InstallerStatusReply } from '../../../cloud-sync/protocol/installer-api.ts';
import { button, h } from '../dom.ts';
import { LANGUAGE_ORDER } from '../i18n/index.ts';
import { InstallerApiError } from './api.ts';
import type { InstallerContext } from './context.ts';

const MAX_DIGITS = 12;

export function pinScreen(ctx: InstallerContext, root: HTMLElement, message?: string): () => void {
  const t = ctx.t();
  let pin = '';
  let busy = false;
  let waitTimer: ReturnType<typeof setTimeout> | undefined;

  const dots = h('output', { class: 'pin-dots', testid: 'pin-dots', 'aria-live': 'polite' });
  const status = h('p', { class: 'pin-status', role: 'status', testid: 'pin-status' }, message ?? '');
  const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) =>
    button({ class: 'pin-key', testid: `pin-key-${d}` }, () => typed(d), d),
  );
  const clear = button(
    { class: 'pin-key pin-action', testid: 'pin-clear' },
    () => typed('clear'),
    t.pin.clear,
  );
  const zero = button({ class: 'pin-key', testid: 'pin-key-0' }, () => typed('0'), '0');
  const del = button(
    { class: 'pin-key pin-action', testid: 'pin-delete', 'aria-label': t.pin.delete },
    () => typed('delete'),
    '⌫',
  );
  const enter = button({ class: 'pin-enter', testid: 'pin-enter' }, () => void submit(), t.pin.enter);
  const allKeys = [...keys, clear, zero, del, enter];

  const languages = h(
    'div',
    { class: 'languages', role: 'group', 'aria-label': t.language },
    ...LANGUAGE_ORDER.map((lang) => {
      const b = button(
        { lang, testid: `language-${lang}` },
        () => ctx.setLanguage(lang),
        textsLanguageName(lang),
      );
      b.setAttribute('aria-pressed', String(lang === ctx.lang()));
      return b;
    }),
  );
  root.replaceChildren(
    h(
      'section',
      { class: 'pin-screen', 'aria-labelledby': 'pin-heading' },
      h('header', { class: 'pin-head' }, h('h1', { id: 'pin-heading', tabindex: '-1' }, t.title), languages),
      h(
        'div',
        { class: 'pin-body' },
        h(
          'div',
          { class: 'pin-side' },
          h('p', { class: 'pin-prompt', id: 'pin-prompt' }, t.pin.prompt),
          dots,
          status,
          enter,
          h('a', { class: 'link-button back-link', href: '/panel/', testid: 'back-to-visitor' }, t.pin.back),
        ),
        h(
          'div',
          { class: 'pin-keys', role: 'group', 'aria-labelledby': 'pin-prompt' },
          ...keys,
          clear,
          zero,
          del,
        ),
      ),
    ),
  );
  render();
  void refreshStatus();

  function render(): void {
    dots.textContent = '●'.repeat(pin.length);
    dots.setAttribute('aria-label', t.pin.digits(pin.length));
    enter.disabled = busy || pin.length < 6 || keys[0]!.disabled;
  }

  function typed(key: string): void {
    if (key === 'clear') pin = '';
    else if (key === 'delete') pin = pin.slice(0, -1);
    else if (pin.length < MAX_DIGITS) pin += key;
    render();
  }

  function setKeys(enabled: boolean): void {
    for (const k of allKeys) k.disabled = !enabled;
    render();
  }

  /** Counts a wait down to zero, keys disabled meanwhile. */
  function waitFor(seconds: number): void {
    clearTimeout(waitTimer);
    if (seconds <= 0) {
      setKeys(true);
      status.textContent = '';
      delete status.dataset['retryAfter'];
      return;
    }
    setKeys(false);
    status.textContent = t.pin.wait(seconds);
    status.dataset['retryAfter'] = String(seconds);
    waitTimer = setTimeout(() => waitFor(seconds - 1), 1000);
  }

  async function refreshStatus(): Promise<void> {
    let s: InstallerStatusReply;
    try {
      s = await ctx.api.status();
    } catch {
      status.textContent = t.pin.unreachable;
      return;
    }
    if (s.pinConfigured !== true) {
      setKeys(false);
      status.textContent = s.pinConfigured === 'invalid' ? t.pin.invalid : t.pin.disabled;
      status.dataset['disabled'] = '1';
    } else if (s.retryAfterS > 0) waitFor(s.retryAfterS);
    document.body.dataset['ready'] = '1';
  }

  async function submit(): Promise<void> {
    if (busy || pin.length < 6) return;
    busy = true;
    status.textContent = t.pin.checking;
    render();
    const tried = pin;
    pin = '';
    try {
      await ctx.api.enter(tried);
      ctx.showConsole();
      return;
    } catch (err) {
      if (err instanceof InstallerApiError && err.status === 429) waitFor(err.retryAfterS);
      else if (err instanceof InstallerApiError && err.status === 401) {
        status.textContent = t.pin.wrong;
        // The third wrong PIN starts a wait: show it.
        await refreshStatus();
        if (!status.dataset['retryAfter']) status.textContent = t.pin.wrong;
      } else if (err instanceof InstallerApiError && err.status === 403) {
        setKeys(false);
        status.textContent = t.pin.disabled;
      } else status.textContent = t.pin.unreachable;
    } finally {
      busy = false;
      render();
    }
  }

  return () => clearTimeout(waitTimer);
}

function textsLanguageName(lang: 'nb' | 'en' | 'sv'): string {
  return { nb: 'Norsk', sv: 'Svenska', en: 'English' }[lang];
}
