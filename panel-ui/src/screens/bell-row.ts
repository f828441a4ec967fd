/**
 * A bell as a row of the directory and of the keypad's result: one big button (the whole row rings), the
 * picture only when the panel sent one (it leaves them out where the building does not allow them), the
 * bell's text and its unit. Text through textContent only.
 */
import type { DirectoryEntry } from '../../../cloud-sync/protocol/panel-api.ts';
import { button, h } from '../dom.ts';
import type { Catalogue } from '../i18n/catalogue.ts';
import { icon } from './icons.ts';

/**
 * `testPrefix`: '' in the directory (`bell-<id>`, `ring-<id>`, the test ids benchmarks rely on),
 * 'keypad-' in the keypad's result, so the two lists never share an id.
 */
export function bellRow(
  bell: DirectoryEntry,
  t: Catalogue,
  testPrefix: '' | 'keypad-',
  onRing: (bell: DirectoryEntry) => void,
): HTMLLIElement {
  const picture = bell.picture?.startsWith('data:image/')
    ? h('img', { class: 'bell-picture', src: bell.picture, alt: '' })
    : h('span', { class: 'bell-initial', 'aria-hidden': 'true' }, initial(bell.displayText));
  // The accessible name is the row's visible text ("Erik Berg Flat 1002 Ring"), so what a screen reader
  // says and what a speech-input user reads out are the same words.
  const ring = button(
    { class: 'bell-ring', testid: `${testPrefix}ring-${bell.bellId}` },
    () => onRing(bell),
    picture,
    h(
      'span',
      { class: 'bell-text' },
      h('span', { class: 'name' }, bell.displayText),
      h('span', { class: 'unit' }, bell.unitName),
    ),
    h('span', { class: 'bell-action' }, icon('bell'), t.visitor.directory.ring),
  );
  return h('li', { class: 'bell', testid: `${testPrefix}bell-${bell.bellId}` }, ring);
}

function initial(text: string): string {
  return [...text.trim()][0]?.toLocaleUpperCase() ?? '?';
}
