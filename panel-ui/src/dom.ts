/**
 * A tiny element builder. Text always goes in as text nodes, never as HTML, so nothing the panel sends
 * (bell texts and names come from residents and administrators) can inject markup.
 */
type Child = Node | string | null | undefined | false;
type Attr = string | number | boolean | null | undefined | ((event: Event) => void);

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, Attr> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else if (name === 'testid') el.dataset['testid'] = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Replaces everything inside `parent`. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** A button that reports a press once per tap or click (pointer, touch and keyboard alike). */
export function button(
  attrs: Record<string, Attr>,
  onPress: () => void,
  ...children: Child[]
): HTMLButtonElement {
  return h('button', { type: 'button', ...attrs, onclick: () => onPress() }, ...children);
}

/** Sets aria-pressed on a toggle button (what a screen reader says: "pressed" / "not pressed"). */
export function setPressed(el: HTMLElement, pressed: boolean): void {
  el.setAttribute('aria-pressed', String(pressed));
}
