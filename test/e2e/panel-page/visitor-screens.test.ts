/**
 * Every screen of the panel page (scripts/sim/panel-page.ts PANEL_SCREEN_CASES, reached through the real
 * panel) at the panel's four resolutions: nothing wider than the screen, the screen's main action wholly
 * in view, every touch target at least 48 × 48 px, and no serious or critical axe-core violation — also
 * in large text with high contrast at 800×480.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from '../../../scripts/lab/chromium.ts';
import {
  openPanelPage,
  PANEL_SCREEN_CASES,
  PANEL_SIZES,
  type PanelLab,
  type PanelScreenCase,
  resetPanelPage,
  startPanelLab,
} from '../../../scripts/sim/panel-page.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** The page's timings held long, so no screen moves on while it is measured. */
const STILL = { outcomeMs: 60_000, cardMs: 30_000, idleMs: 600_000 };

/** One case of each screen (and each kind of overlay) for the large-text, high-contrast pass. */
const LARGE_CONTRAST_CASES = [
  'home',
  'directory',
  'directory-no-match',
  'keypad',
  'call-connected-door-opened',
  'ended-busy',
  'card-denied',
];

/** What must be wholly on screen for each screen: the way forward. */
const MAIN_ACTIONS: Record<string, string[]> = {
  home: ['home-find', 'home-keypad'],
  directory: ['search', 'directory', 'directory-back'],
  keypad: ['keypad-display', 'keypad-0', 'keypad-back'],
  call: ['call-title', 'hangup'],
  'call-ended': ['ended-title', 'ended-home'],
};
/** Cases whose way forward is another: no match offers the keypad, a dialled flat its bell. */
const CASE_ACTIONS: Record<string, string[]> = {
  'directory-no-match': ['search', 'directory-no-match', 'no-match-keypad'],
  keypad: ['keypad-display', 'keypad-0', 'keypad-ring-bell-anna'],
  'ended-busy': ['ended-title', 'ring-again', 'ended-home'],
};

interface Geometry {
  viewport: { width: number; height: number };
  /** Elements reaching past the left or right edge (clipped or not). */
  wide: string[];
  /** Visible controls smaller than 48 px either way. */
  small: string[];
  /** Visible controls whose text does not fit in them. */
  overflowing: string[];
  /** The main actions not wholly in view. */
  outOfView: string[];
}

/** The little of the DOM the measurement uses (the tests compile without the DOM's types). */
interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
  width: number;
  height: number;
}
interface El {
  tagName: string;
  scrollWidth: number;
  clientWidth: number;
  parentElement: El | null;
  firstElementChild: El | null;
  getBoundingClientRect(): Box;
  getAttribute(name: string): string | null;
  matches(selector: string): boolean;
}
interface Doc {
  defaultView: {
    innerWidth: number;
    innerHeight: number;
    getComputedStyle(el: El): { visibility: string; overflowY: string };
  } | null;
  body: { querySelectorAll(selector: string): Iterable<El> };
  querySelector(selector: string): El | null;
}

/** Measures the shown screen in the page (names elements by test id, else tag and class). */
async function geometry(page: Page, mainActions: string[]): Promise<Geometry> {
  return page.evaluate((main) => {
    const doc = (globalThis as unknown as { document: Doc }).document;
    const view = doc.defaultView!;
    const width = view.innerWidth;
    const height = view.innerHeight;
    const name = (el: El) =>
      el.getAttribute('data-testid') ?? `${el.tagName.toLowerCase()}.${el.getAttribute('class') ?? ''}`;
    const shown = (el: El) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && view.getComputedStyle(el).visibility !== 'hidden';
    };
    /** Inside a scrolled list, a row below the fold is not on screen yet: judged when scrolled to. */
    const clippedByScroller = (el: El) => {
      const r = el.getBoundingClientRect();
      for (let p = el.parentElement; p; p = p.parentElement) {
        if (!/(auto|scroll)/.test(view.getComputedStyle(p).overflowY)) continue;
        const box = p.getBoundingClientRect();
        if (r.top < box.top || r.bottom > box.bottom) return true;
      }
      return false;
    };
    const all = [...doc.body.querySelectorAll('*')].filter(shown);
    const wide = all
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.left < -0.5 || r.right > width + 0.5;
      })
      .map(name);
    const small = all
      .filter((el) => el.matches('button, a, input, [role="button"]') && !clippedByScroller(el))
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width < 47.5 || r.height < 47.5;
      })
      .map(
        (el) =>
          `${name(el)} ${Math.round(el.getBoundingClientRect().width)}×${Math.round(el.getBoundingClientRect().height)}`,
      );
    const overflowing = all
      .filter((el) => el.matches('button, a') && el.scrollWidth > el.clientWidth + 1)
      .map((el) => `${name(el)} ${el.scrollWidth}>${el.clientWidth}`);
    const outOfView = main.filter((id) => {
      const el = doc.querySelector(`[data-testid="${id}"]`);
      if (!el || !shown(el)) return true;
      const r = el.getBoundingClientRect();
      // A list counts as in view when its first row is.
      const first = el.matches('ul') ? (el.firstElementChild?.getBoundingClientRect() ?? r) : r;
      return (
        first.left < -0.5 || first.top < -0.5 || first.right > width + 0.5 || first.bottom > height + 0.5
      );
    });
    return { viewport: { width, height }, wide, small, overflowing, outOfView };
  }, mainActions);
}

/** Serious and critical violations of axe-core's rules on the page as shown. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(o: object): Promise<{ violations: Violation[] }> } })
      .axe;
    type Violation = { id: string; impact: string; help: string; nodes: { target: string[] }[] };
    const result = await axe.run({ resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.targets.slice(0, 3).join(', ')}`);
}

describe('every screen of the panel page', () => {
  let lab: PanelLab;
  let browser: Browser;

  beforeAll(async () => {
    lab = await startPanelLab();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await lab?.stop();
  });

  const check = async (page: Page, c: PanelScreenCase, where: string) => {
    await resetPanelPage(page, lab);
    await c.show(page, lab);
    await page.locator(`body[data-screen="${c.screen}"]`).waitFor();
    // Card feedback lies over the screen: its box is then what must be in view.
    const main = c.name.startsWith('card-')
      ? ['card-feedback']
      : (CASE_ACTIONS[c.name] ?? MAIN_ACTIONS[c.screen] ?? []);
    const g = await geometry(page, main);
    expect(g.wide, `${c.name} at ${where}: wider than the screen`).toEqual([]);
    expect(g.small, `${c.name} at ${where}: touch targets under 48 px`).toEqual([]);
    expect(g.overflowing, `${c.name} at ${where}: text wider than its control`).toEqual([]);
    expect(g.outOfView, `${c.name} at ${where}: main action not in view`).toEqual([]);
    expect(await axeViolations(page), `${c.name} at ${where}: axe`).toEqual([]);
  };

  for (const size of PANEL_SIZES) {
    it(`at ${size.name}`, async () => {
      const page = await openPanelPage(browser, lab, size, STILL);
      try {
        // A slow case (a ring timeout) once, at the first size.
        for (const c of PANEL_SCREEN_CASES.filter((c) => !c.slow || size === PANEL_SIZES[0]))
          await check(page, c, size.name);
      } finally {
        await page.context().close();
      }
    }, 120_000);
  }

  it('in large text with high contrast, at 800×480', async () => {
    const page = await openPanelPage(browser, lab, PANEL_SIZES[0], STILL);
    try {
      for (const c of PANEL_SCREEN_CASES.filter((c) => LARGE_CONTRAST_CASES.includes(c.name))) {
        await resetPanelPage(page, lab);
        // Chosen on home, as a visitor would; the reset of check() would undo it, so set after each.
        await check(
          page,
          {
            ...c,
            show: async (p, l) => {
              await p.getByTestId('toggle-large-text').tap();
              await p.getByTestId('toggle-contrast').tap();
              await c.show(p, l);
              expect(await p.locator('html').getAttribute('data-text')).toBe('large');
            },
          },
          '800x480, large text, high contrast',
        );
      }
    } finally {
      await page.context().close();
    }
  }, 120_000);
});
