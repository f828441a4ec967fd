/** Renders the directory list: text through textContent only (names come from residents and admins). */
import type { DirectoryEntry } from '../../cloud-sync/protocol/panel-api.ts';

export function renderDirectory(
  list: HTMLUListElement,
  bells: readonly DirectoryEntry[],
  filter: string,
  onRing: (bell: DirectoryEntry) => void,
): void {
  const needle = filter.trim().toLocaleLowerCase();
  const shown = needle
    ? bells.filter((b) => `${b.displayText} ${b.unitName}`.toLocaleLowerCase().includes(needle))
    : bells;
  list.replaceChildren(...shown.map((bell) => item(bell, onRing)));
  if (shown.length === 0) {
    const empty = document.createElement('li');
    empty.textContent = needle ? 'No match.' : 'The directory is empty.';
    list.append(empty);
  }
}

function item(bell: DirectoryEntry, onRing: (bell: DirectoryEntry) => void): HTMLLIElement {
  const li = document.createElement('li');
  li.className = 'bell';
  li.dataset['testid'] = `bell-${bell.bellId}`;
  if (bell.picture?.startsWith('data:image/')) {
    const img = document.createElement('img');
    img.src = bell.picture;
    img.alt = '';
    li.append(img);
  }
  const text = document.createElement('div');
  text.className = 'text';
  const name = document.createElement('div');
  name.className = 'name';
  name.textContent = bell.displayText;
  text.append(name);
  if (bell.unitName) {
    const unit = document.createElement('div');
    unit.className = 'unit';
    unit.textContent = bell.unitName;
    text.append(unit);
  }
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'Ring';
  button.dataset['testid'] = `ring-${bell.bellId}`;
  button.setAttribute('aria-label', `Ring ${bell.displayText}`);
  button.addEventListener('click', () => onRing(bell));
  li.append(text, button);
  return li;
}
