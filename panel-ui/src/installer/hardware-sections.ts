/**
 * The hardware sections of the installer's console: relays (a click after a confirmation), inputs and
 * readers live from the stream, camera picture, microphone meter, speaker tone. Each returns its element
 * and what it does with the stream's events.
 */
import type { InstallerStreamEvent, SelfTestReply } from '../../../cloud-sync/protocol/installer-api.ts';
import { button, h } from '../dom.ts';
import type { InstallerContext, InstallerTexts } from './context.ts';

export interface Section {
  element: HTMLElement;
  onEvent?(e: InstallerStreamEvent): void;
}

export function section(id: string, heading: string, ...body: (Node | string)[]): HTMLElement {
  return h(
    'section',
    { class: 'panel-section', 'aria-labelledby': `${id}-heading`, testid: `section-${id}` },
    h('h2', { id: `${id}-heading` }, heading),
    ...body,
  );
}

/** A live region for a section's outcome. */
export function statusLine(testid: string): HTMLParagraphElement {
  return h('p', { class: 'section-status', role: 'status', testid });
}

export function failed(t: InstallerTexts, err: unknown): string {
  return t.failed(err instanceof Error ? err.message : String(err));
}

export function relaysSection(ctx: InstallerContext, facts: SelfTestReply, confirm: Confirm): Section {
  const t = ctx.t();
  const status = statusLine('relays-status');
  const states = new Map<string, HTMLElement>();
  const rows = facts.relays.map((r) => {
    const state = h('span', { class: 'state', testid: `relay-state-${r.doorId}` });
    states.set(r.doorId, state);
    setRelay(state, r.locked);
    const test = button(
      { testid: `relay-test-${r.doorId}` },
      async () => {
        if (!(await confirm(t.relays.confirm(r.name)))) return;
        try {
          await ctx.api.testPulse(r.doorId);
          status.textContent = t.relays.done(r.name);
        } catch (err) {
          status.textContent = failed(t, err);
        }
      },
      t.relays.test(r.name),
    );
    return h('li', { class: 'row' }, h('span', { class: 'row-name' }, r.name), state, test);
  });
  function setRelay(el: HTMLElement, locked: boolean): void {
    el.textContent = locked ? t.relays.locked : t.relays.unlocked;
    el.dataset['locked'] = String(locked);
  }
  return {
    element: section('relays', t.relays.heading, h('ul', { class: 'rows' }, ...rows), status),
    onEvent: (e) => {
      if (e.event === 'relay') {
        const el = states.get(e.data.doorId);
        if (el) setRelay(el, e.data.locked);
      } else if (e.event === 'state')
        for (const r of e.data.relays) {
          const el = states.get(r.doorId);
          if (el) setRelay(el, r.locked);
        }
    },
  };
}

export function inputsSection(ctx: InstallerContext, facts: SelfTestReply): Section {
  const t = ctx.t();
  const doorName = new Map(facts.relays.map((r) => [r.doorId, r.name]));
  const cells = new Map<string, HTMLElement>();
  const rows = facts.inputs.map((i) => {
    const state = h('span', { class: 'state', testid: `input-${i.id}` });
    cells.set(i.id, state);
    show(state, i.active);
    return h(
      'li',
      { class: 'row' },
      h('span', { class: 'row-name' }, `${doorName.get(i.doorId) ?? i.doorId}: ${t.inputs[i.role]}`),
      state,
    );
  });
  function show(el: HTMLElement, active: boolean | null): void {
    el.textContent = active === null ? t.inputs.unreadable : active ? t.inputs.active : t.inputs.inactive;
    el.dataset['active'] = String(active);
  }
  return {
    element: section(
      'inputs',
      t.inputs.heading,
      rows.length ? h('ul', { class: 'rows' }, ...rows) : h('p', {}, t.inputs.none),
    ),
    onEvent: (e) => {
      const list = e.event === 'input' ? [e.data] : e.event === 'state' ? e.data.inputs : [];
      for (const i of list) {
        const el = cells.get(i.id);
        if (el) show(el, i.active);
      }
    },
  };
}

export function readersSection(ctx: InstallerContext, facts: SelfTestReply): Section {
  const t = ctx.t();
  const result = h(
    'p',
    { class: 'section-status', role: 'status', testid: 'reader-result' },
    t.reader.prompt,
  );
  const names = new Map(facts.readers.map((r) => [r.id, r.id]));
  return {
    element: section(
      'readers',
      t.reader.heading,
      h(
        'ul',
        { class: 'rows' },
        ...facts.readers.map((r) =>
          h(
            'li',
            { class: 'row' },
            h('span', { class: 'row-name' }, r.id),
            h(
              'span',
              { class: 'state', 'data-attached': String(r.attached) },
              r.attached ? t.reader.attached : t.reader.detached,
            ),
          ),
        ),
      ),
      result,
    ),
    onEvent: (e) => {
      if (e.event !== 'card-read') return;
      const reader = e.data.readerId
        ? (names.get(e.data.readerId) ?? e.data.readerId)
        : t.reader.unknownReader;
      result.textContent = t.reader.read(reader, e.data.uidLength);
      result.dataset['uidLength'] = String(e.data.uidLength);
    },
  };
}

export function cameraSection(ctx: InstallerContext, facts: SelfTestReply): Section {
  const t = ctx.t();
  const picture = h('img', {
    class: 'camera',
    alt: t.camera.alt,
    testid: 'camera-picture',
    hidden: true,
    width: 320,
    height: 240,
  });
  const status = statusLine('camera-status');
  const show = button(
    { testid: 'camera-show', disabled: !facts.media.intercom },
    async () => {
      try {
        const uri = await ctx.api.camera();
        if (uri) {
          picture.src = uri;
          picture.hidden = false;
          status.textContent = '';
        } else status.textContent = t.camera.none;
      } catch (err) {
        status.textContent = failed(t, err);
      }
    },
    t.camera.show,
  );
  if (!facts.media.intercom) status.textContent = t.camera.none;
  return { element: section('camera', t.camera.heading, show, picture, status) };
}

export function microphoneSection(ctx: InstallerContext, facts: SelfTestReply): Section {
  const t = ctx.t();
  const meter = h('meter', {
    class: 'mic-meter',
    min: -60,
    max: 0,
    low: -40,
    high: -6,
    value: -60,
    testid: 'mic-meter',
    'aria-label': t.microphone.level,
  });
  const text = h(
    'p',
    { class: 'section-status', testid: 'mic-text' },
    facts.media.intercom ? '' : t.microphone.none,
  );
  return {
    element: section('microphone', t.microphone.heading, meter, text),
    onEvent: (e) => {
      if (e.event !== 'mic-level') return;
      const { available, peakDbfs, rmsDbfs } = e.data;
      if (!available) {
        text.textContent = t.microphone.none;
        return;
      }
      meter.value = Math.max(-60, peakDbfs ?? -60);
      text.textContent =
        peakDbfs === null
          ? t.microphone.silent
          : t.microphone.dbfs(Math.round(peakDbfs), Math.round(rmsDbfs ?? -99));
      text.dataset['peak'] = String(peakDbfs);
    },
  };
}

export function speakerSection(ctx: InstallerContext, facts: SelfTestReply): Section {
  const t = ctx.t();
  const status = statusLine('speaker-status');
  const play: HTMLButtonElement = button(
    { testid: 'speaker-test', disabled: !facts.media.intercom },
    async () => {
      play.disabled = true;
      status.textContent = t.speaker.playing;
      try {
        await ctx.api.speakerTest();
        status.textContent = t.speaker.played;
      } catch (err) {
        status.textContent = failed(t, err);
      } finally {
        play.disabled = false;
      }
    },
    t.speaker.play,
  );
  if (!facts.media.intercom) status.textContent = t.speaker.none;
  return { element: section('speaker', t.speaker.heading, play, status) };
}

/** Asks a yes/no question in a modal dialog; resolves true for yes. */
export type Confirm = (question: string) => Promise<boolean>;

export function confirmDialog(t: InstallerTexts): { element: HTMLDialogElement; confirm: Confirm } {
  const question = h('p', { id: 'confirm-question', class: 'confirm-question' });
  let answer: (yes: boolean) => void = () => {};
  const dialog = h(
    'dialog',
    { class: 'confirm', 'aria-labelledby': 'confirm-question', testid: 'confirm-dialog' },
    question,
    h(
      'div',
      { class: 'confirm-actions' },
      button({ testid: 'confirm-cancel' }, () => close(false), t.cancel),
      button({ class: 'primary', testid: 'confirm-yes' }, () => close(true), t.yes),
    ),
  );
  dialog.addEventListener('cancel', () => answer(false));
  function close(yes: boolean): void {
    dialog.close();
    answer(yes);
  }
  return {
    element: dialog,
    confirm: (text) => {
      question.textContent = text;
      dialog.showModal();
      return new Promise((resolve) => {
        answer = resolve;
      });
    },
  };
}
