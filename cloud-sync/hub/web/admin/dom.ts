/**
 * The element builder WebAdmin shares with the resident app (text always as text nodes, never HTML:
 * names, texts and reasons from the hub cannot inject markup), plus the table and badge helpers of a
 * laptop console.
 */
import { append, h } from '../resident/dom.ts';

export { append, byTestId, h, replace } from '../resident/dom.ts';

type Cell = Node | string | null | undefined | false;

/** A table with a header row; `rows` are cells in header order. */
export function table(
  testid: string,
  headers: readonly string[],
  rows: readonly Cell[][],
  empty: string,
): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty', testid }, empty);
  const head = h('tr', {});
  for (const title of headers) append(head, h('th', { scope: 'col' }, title));
  const body = h('tbody', {});
  for (const cells of rows) {
    const tr = h('tr', {});
    for (const cell of cells) append(tr, h('td', {}, cell));
    append(body, tr);
  }
  return h('table', { class: 'grid', testid }, h('thead', {}, head), body);
}

/** A short coloured label: ok (green), bad (red), warn (amber) or plain. */
export function badge(
  text: string,
  tone: 'ok' | 'bad' | 'warn' | 'plain' = 'plain',
  testid?: string,
): HTMLElement {
  return h('span', { class: `badge ${tone}`, testid }, text);
}

export function button(
  text: string,
  onclick: (event: Event) => void,
  attrs: Record<string, string | boolean | undefined> = {},
): HTMLButtonElement {
  return h('button', { type: 'button', ...attrs, onclick }, text);
}

/** A fresh id for a new row (the admin API takes client-chosen ids). */
export function newId(): string {
  return crypto.randomUUID();
}
