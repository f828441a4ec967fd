/** The bar of the resident screens: a back (or done) button and the screen's title, its heading. */
import { button, h } from '../dom.ts';
import { icon } from '../screens/icons.ts';

export interface ResidentBar {
  element: HTMLElement;
  heading: HTMLHeadingElement;
  setTexts(texts: { title: string; back: string }): void;
}

export function residentBar(name: string, onBack: () => void): ResidentBar {
  const heading = h('h1', { class: 'bar-title', id: `${name}-title`, testid: `${name}-title` });
  const backLabel = h('span');
  const element = h(
    'header',
    { class: 'bar' },
    button({ class: 'bar-button', testid: `${name}-back` }, onBack, icon('back'), backLabel),
    heading,
    // The grid's third column, so the title stays centred.
    h('span', { 'aria-hidden': 'true' }),
  );
  return {
    element,
    heading,
    setTexts: ({ title, back }) => {
      heading.textContent = title;
      backLabel.textContent = back;
    },
  };
}
