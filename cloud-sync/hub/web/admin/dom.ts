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

/**
 * A fresh id for a new row (the admin API takes client-chosen ids): a random UUID v4. Built from
 * getRandomValues, which (unlike crypto.randomUUID) a hub reached over plain http on a LAN also offers.
 */
export function newId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
