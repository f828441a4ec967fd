/**
 * The home screen: where the visitor is (building and entrance), the two ways to find someone (a name,
 * a flat number) as the biggest things on the screen, the language buttons, and the display and sound
 * choices (large text, high contrast, read aloud). The corner holds the resident's entrance
 * (context.homeSlot) and a discreet link to the installer's page.
 */
import { button, h, setPressed } from '../dom.ts';
import { CATALOGUES, LANGUAGE_ORDER } from '../i18n/index.ts';
import type { Choices } from '../visitor-choices.ts';
import type { PanelContext } from './context.ts';
import { type IconName, icon } from './icons.ts';
import type { Screen } from './screen.ts';

export function homeScreen(ctx: PanelContext): Screen {
  const building = h('h1', { class: 'building', testid: 'building-name' });
  const entrance = h('p', { class: 'entrance', testid: 'entrance-name' });
  const intro = h('p', { class: 'intro' });

  const action = (testid: string, iconName: IconName, to: string) => {
    const title = h('span', { class: 'action-title' });
    const hint = h('span', { class: 'action-hint' });
    const el = button(
      { class: 'action', testid },
      () => ctx.screens.show(to),
      icon(iconName, 'action-icon'),
      h('span', { class: 'action-text' }, title, hint),
    );
    return { el, title, hint };
  };
  const find = action('home-find', 'search', 'directory');
  const dial = action('home-keypad', 'keypad', 'keypad');

  const languageGroup = h('div', { class: 'languages', role: 'group' });
  const languages = LANGUAGE_ORDER.map((lang) => {
    const el = button(
      { class: 'language', testid: `lang-${lang}`, lang },
      () => ctx.choices.set({ language: lang }),
      CATALOGUES[lang].visitor.languageName,
    );
    languageGroup.append(el);
    return { lang, el };
  });

  const toggle = (testid: string, iconName: IconName, key: 'largeText' | 'highContrast' | 'readAloud') => {
    const label = h('span');
    const el = button(
      { class: 'toggle', testid },
      () => ctx.choices.set({ [key]: !ctx.choices.current[key] }),
      icon(iconName),
      label,
    );
    return { el, label, key };
  };
  const toggles = [
    toggle('toggle-large-text', 'text', 'largeText'),
    toggle('toggle-contrast', 'contrast', 'highContrast'),
    toggle('toggle-read-aloud', 'sound', 'readAloud'),
  ];
  const toggleGroup = h('div', { class: 'toggles', role: 'group' }, ...toggles.map((t) => t.el));
  // The installer's page, discreetly: a small word in the corner, nothing a visitor is drawn to.
  const service = h('a', { class: 'service-link', href: '/panel/installer.html', testid: 'installer-link' });

  const element = h(
    'section',
    { class: 'screen home', 'aria-labelledby': 'home-building' },
    h('header', { class: 'home-head' }, h('div', { class: 'place' }, building, entrance), languageGroup),
    intro,
    h('div', { class: 'home-actions' }, find.el, dial.el),
    h('footer', { class: 'home-foot' }, toggleGroup, h('div', { class: 'corner' }, ctx.homeSlot, service)),
  );
  building.id = 'home-building';
  ctx.homeSlot.classList.add('home-slot');

  const showPressed = (choices: Readonly<Choices>) => {
    for (const l of languages) setPressed(l.el, l.lang === choices.language);
    for (const t of toggles) setPressed(t.el, choices[t.key]);
  };
  ctx.choices.changed.on(({ now }) => showPressed(now));
  const showSite = () => {
    const site = ctx.state.directory?.site;
    building.textContent = site?.buildingName ?? '';
    entrance.textContent = site?.entranceName ?? '';
  };
  ctx.state.directoryChanged.on(showSite);

  return {
    name: 'home',
    element,
    heading: building,
    translate: (t) => {
      const v = t.visitor;
      intro.textContent = v.home.intro;
      find.title.textContent = v.home.findName;
      find.hint.textContent = v.home.findNameHint;
      dial.title.textContent = v.home.enterNumber;
      dial.hint.textContent = v.home.enterNumberHint;
      languageGroup.setAttribute('aria-label', v.languagePicker);
      toggleGroup.setAttribute('aria-label', v.home.access);
      toggles[0]!.label.textContent = v.home.largeText;
      toggles[1]!.label.textContent = v.home.highContrast;
      toggles[2]!.label.textContent = v.home.readAloud;
      service.textContent = v.home.service;
      showPressed(ctx.choices.current);
      showSite();
    },
    spoken: () => {
      const site = ctx.state.directory?.site;
      return site && ctx.t().visitor.home.spoken(site.buildingName, site.entranceName);
    },
  };
}
