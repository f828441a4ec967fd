/**
 * A message that outlives one re-render: a screen that changes something and then renders itself again
 * (ctx.refresh) leaves the outcome here, and its next render shows it once.
 */
import { h } from './dom.ts';

type Tone = 'ok' | 'bad' | 'warn';
let pending: { key: string; tone: Tone; text: string } | undefined;

/** Shown by the next `flashLine(key)`. */
export function flash(key: string, tone: Tone, text: string): void {
  pending = { key, tone, text };
}

/** A status line with the pending message for `key`, if any (then it is used up). */
export function flashLine(key: string, testid: string): HTMLElement {
  const el = h('p', { class: 'result', role: 'status', 'aria-live': 'polite', testid });
  if (pending?.key === key) {
    el.className = `result ${pending.tone}`;
    el.textContent = pending.text;
    pending = undefined;
  }
  return el;
}
