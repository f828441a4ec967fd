/**
 * The installer's console once the PIN is accepted: every self-test section on one scrolling page, fed
 * by the live stream while it is open, and "Leave" at the top. A session the panel no longer knows (idle,
 * replaced, reset) sends the page back to the PIN.
 */
import type { InstallerStreamEvent } from '../../../cloud-sync/protocol/installer-api.ts';
import { button, h } from '../dom.ts';
import type { InstallerContext } from './context.ts';
import {
  cameraSection,
  confirmDialog,
  inputsSection,
  microphoneSection,
  readersSection,
  relaysSection,
  type Section,
  speakerSection,
} from './hardware-sections.ts';
import { infoSections } from './info-sections.ts';

export function consoleScreen(ctx: InstallerContext, root: HTMLElement): () => void {
  const t = ctx.t();
  const abort = new AbortController();
  const heading = h('h1', { id: 'console-heading', tabindex: '-1' }, t.title);
  const leave = button(
    { class: 'leave', testid: 'leave' },
    async () => {
      abort.abort();
      await ctx.api.leave();
      ctx.showPin();
    },
    t.leave,
  );
  const body = h('div', { class: 'sections' });
  const dialog = confirmDialog(t);
  root.replaceChildren(
    h(
      'section',
      { class: 'console', 'aria-labelledby': 'console-heading' },
      h('header', { class: 'console-head' }, heading, leave),
      body,
      dialog.element,
    ),
  );
  heading.focus();

  void (async () => {
    let sections: Section[];
    try {
      const facts = await ctx.api.selfTest();
      sections = [
        relaysSection(ctx, facts, dialog.confirm),
        inputsSection(ctx, facts),
        readersSection(ctx, facts),
        cameraSection(ctx, facts),
        microphoneSection(ctx, facts),
        speakerSection(ctx, facts),
        ...infoSections(ctx, facts, () => abort.abort()),
      ];
    } catch {
      return;
    }
    body.replaceChildren(...sections.map((s) => s.element));
    const onEvent = (e: InstallerStreamEvent) => {
      if (e.event === 'end') {
        abort.abort();
        ctx.api.forget();
        ctx.showPin(t.pin.ended);
        return;
      }
      for (const s of sections) s.onEvent?.(e);
    };
    document.body.dataset['ready'] = '1';
    // The live stream, reopened after a dropped connection while the session lasts.
    while (!abort.signal.aborted && ctx.api.signedIn) {
      try {
        await ctx.api.follow(onEvent, abort.signal);
      } catch {
        // dropped or refused: a 401 has already sent the page to the PIN
      }
      if (!abort.signal.aborted) await new Promise((r) => setTimeout(r, 2000));
    }
  })();
  return () => abort.abort();
}
