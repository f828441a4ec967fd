/**
 * The bar at the top of every screen but home: a back (home) button, the screen's title (its heading)
 * and, on the right, a switch to the other way of finding someone.
 */
import { button, h } from '../dom.ts';
import type { PanelContext } from './context.ts';
import { type IconName, icon } from './icons.ts';

export interface ScreenBar {
  element: HTMLElement;
  heading: HTMLHeadingElement;
  setTexts(texts: { title: string; back: string; other: string }): void;
}

export function screenBar(ctx: PanelContext, name: string, other: { to: string; icon: IconName }): ScreenBar {
  const heading = h('h1', { class: 'bar-title', id: `${name}-title`, testid: `${name}-title` });
  const backLabel = h('span');
  const otherLabel = h('span');
  const element = h(
    'header',
    { class: 'bar' },
    button(
      { class: 'bar-button', testid: `${name}-back` },
      () => ctx.screens.show('home'),
      icon('back'),
      backLabel,
    ),
    heading,
    button(
      { class: 'bar-button', testid: `${name}-switch` },
      () => ctx.screens.show(other.to),
      icon(other.icon),
      otherLabel,
    ),
  );
  return {
    element,
    heading,
    setTexts: ({ title, back, other: switchText }) => {
      heading.textContent = title;
      backLabel.textContent = back;
      otherLabel.textContent = switchText;
    },
  };
}
