/**
 * Finding someone on the panel page, as visitors do it — by touch (a touch screen context, taps) and by
 * keyboard — in Chromium against the simulator (`npm start`): the home screen, the search (by name,
 * company, flat, a family member, without accents), the on-screen letters, the keypad, languages, large
 * text and high contrast. Calls and card feedback: visitor-calls.test.ts.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_BELLS,
  type PanelLab,
  resetPanelPage,
  screenIs,
  tapCard,
  unitNumberOf,
} from '../../../scripts/sim/panel-page.ts';
import {
  pageReaders,
  row,
  type Site,
  startVisitorPage,
  stopVisitorPage,
  type VisitorPage,
} from './visitor-page.ts';

describe('finding someone at the panel page', () => {
  let v: VisitorPage;
  let lab: PanelLab;
  /** 800×480 landscape, touch, a short outcome screen. */
  let page: Page;
  let site: Site;
  /** Script errors of the page over the whole file (the last test expects none). */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    v = await startVisitorPage(pageErrors);
    ({ lab, page, site } = v);
  }, 120_000);
  afterAll(() => stopVisitorPage(v ?? {}));

  const { text, rows, focusedTestId, htmlAttr } = pageReaders(() => page);

  it("home: the building and entrance, the two ways in, in the building's language", async () => {
    await resetPanelPage(page, lab);
    expect(await text('building-name')).toBe(site.buildingName);
    expect(await text('entrance-name')).toBe(site.entranceName);
    expect(await htmlAttr('lang')).toBe(site.defaultLanguage);
    expect(await page.getByTestId('home-find').isVisible()).toBe(true);
    expect(await page.getByTestId('home-keypad').isVisible()).toBe(true);
    // The screen's heading has the focus: a screen reader starts there.
    expect(await focusedTestId()).toBe('building-name');
    // The installer's page is one small link away, and there.
    const service = page.getByTestId('installer-link');
    expect(await service.getAttribute('href')).toBe('/panel/installer.html');
    expect((await fetch(`${lab.sim.panel}/panel/installer.html`)).status).toBe(200);
  });

  it('search by keyboard: by name, company, flat and without accents; no match points to the keypad', async () => {
    await resetPanelPage(page, lab);
    await page.getByTestId('home-find').tap();
    await screenIs(page, 'directory');
    expect(await focusedTestId()).toBe('directory-title');
    const search = async (query: string) => {
      await page.getByTestId('search').fill('');
      await page.keyboard.type(query);
      expect(await page.getByTestId('search').inputValue()).toBe(query);
      return rows();
    };
    // Typed with the focus on the title: the keys reach the search field.
    await page.getByTestId('directory-title').focus();
    expect(await search('anna')).toEqual([row(DEMO_BELLS.picture)]);
    expect(await search('design')).toEqual([row(DEMO_BELLS.business)]);
    expect(await search('nystrom')).toEqual([row('bell-flat-2002')]);
    expect(await search('flat 3001')).toEqual([row('bell-flat-3001')]);
    expect(await search('4001')).toEqual([row(DEMO_BELLS.business)]);
    // A family is found by a member's first name (memberNames: for search, never listed).
    expect(await search('lars')).toEqual([row('bell-flat-3002')]);
    expect(await page.getByTestId(row('bell-flat-3002')).textContent()).not.toContain('Lars');
    // Every word typed starts a word of the bell.
    expect(await search('er be')).toEqual([row('bell-erik')]);
    expect(await search('xqz')).toEqual([]);
    expect(await text('directory-no-match')).toContain('xqz');
    await page.getByTestId('no-match-keypad').tap();
    await screenIs(page, 'keypad');
  });

  it('search by touch: the on-screen letters, space and delete', async () => {
    await resetPanelPage(page, lab);
    await page.getByTestId('home-find').tap();
    const all = await rows();
    expect(all.length).toBeGreaterThan(5);
    for (const key of ['e', 'r', 'i']) await page.getByTestId(`key-${key}`).tap();
    expect(await page.getByTestId('search').inputValue()).toBe('eri');
    expect(await rows()).toEqual([row('bell-erik')]);
    await page.getByTestId('key-delete').tap();
    await page.getByTestId('key-delete').tap();
    await page.getByTestId('key-space').tap();
    expect(await page.getByTestId('search').inputValue()).toBe('e ');
    await page.getByTestId('search-clear').tap();
    expect(await rows()).toEqual(all);
    // Each key is at least 48 × 48 px.
    const sizes = await page
      .locator('[data-testid="letters"] button')
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect()));
    for (const box of sizes) expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(48);
  });

  it("keypad: a flat's number shows its bell at once; a number no flat has says so at once", async () => {
    await resetPanelPage(page, lab);
    await page.getByTestId('home-keypad').tap();
    await screenIs(page, 'keypad');
    const flat = await unitNumberOf(lab, 'bell-erik');
    for (const digit of flat) await page.getByTestId(`keypad-${digit}`).tap();
    expect(await text('keypad-display')).toBe(flat);
    expect(await rows('keypad-results')).toEqual(['keypad-bell-bell-erik']);
    expect(await text('keypad-message')).toContain('Erik Berg');
    // A flat with two bells (the family's, and one resident's own): the visitor chooses.
    await page.getByTestId('keypad-clear').tap();
    for (const digit of await unitNumberOf(lab, DEMO_BELLS.phone))
      await page.getByTestId(`keypad-${digit}`).tap();
    expect(await rows('keypad-results')).toEqual(['keypad-bell-bell-flat-3002', 'keypad-bell-bell-johan']);
    expect(await text('keypad-message')).toContain('choose');
    // A real keyboard dials too; a digit no flat continues with says so without waiting for more.
    await page.getByTestId('keypad-clear').tap();
    await page.keyboard.press('9');
    await page.keyboard.press('9');
    await page.locator('.keypad-screen[data-state="no-match"]').waitFor();
    expect(await text('keypad-message')).toContain('99');
    expect(await rows('keypad-results')).toEqual([]);
    await page.keyboard.press('Backspace');
    expect(await text('keypad-display')).toBe('9');
  });

  it('languages: every text and <html lang> follow; the letters are the language’s own', async () => {
    await resetPanelPage(page, lab);
    const letters = () =>
      page.locator('[data-testid^="key-"]').evaluateAll((els) => els.map((e) => e.dataset['testid']));
    await page.getByTestId('lang-nb').tap();
    expect(await htmlAttr('lang')).toBe('nb');
    expect(await page.getByTestId('lang-nb').getAttribute('aria-pressed')).toBe('true');
    expect(await text('home-find')).toContain('Finn et navn');
    await page.getByTestId('home-find').tap();
    expect(await text('directory-title')).toBe('Finn et navn');
    expect(await text('directory-count')).toMatch(/^\d+ navn i oversikten$/);
    expect(await letters()).toEqual(expect.arrayContaining(['key-æ', 'key-ø', 'key-å']));
    expect(await letters()).not.toContain('key-ä');
    // Switched again on the way (the home screen's buttons), Swedish.
    await page.getByTestId('directory-back').tap();
    await page.getByTestId('lang-sv').tap();
    expect(await htmlAttr('lang')).toBe('sv');
    await page.getByTestId('home-keypad').tap();
    expect(await text('keypad-title')).toBe('Slå lägenhetsnummer');
    await page.getByTestId('keypad-switch').tap();
    expect(await letters()).toEqual(expect.arrayContaining(['key-å', 'key-ä', 'key-ö']));
    expect(await letters()).not.toContain('key-ø');
    // Card feedback speaks the visitor's language too (a card not tapped before: a repeat within the
    // panel's window changes nothing on the screen).
    await tapCard(lab, '0BADBEEF');
    await page.locator('[data-testid="card-feedback"][data-result="denied"]').waitFor();
    expect(await text('card-title')).toBe('Kortet godtogs inte');
  });

  it('large text and high contrast: toggled on home, the whole page follows', async () => {
    await resetPanelPage(page, lab);
    const style = (selector: string) =>
      page.locator(selector).evaluate((el) => {
        const { fontSize, backgroundColor, color } = el.ownerDocument.defaultView!.getComputedStyle(el);
        return { fontSize: Number.parseFloat(fontSize), backgroundColor, color };
      });
    const rootPx = async () => (await style('html')).fontSize;
    const normal = await rootPx();
    await page.getByTestId('toggle-large-text').tap();
    expect(await htmlAttr('data-text')).toBe('large');
    expect(await page.getByTestId('toggle-large-text').getAttribute('aria-pressed')).toBe('true');
    expect(await rootPx()).toBeGreaterThanOrEqual(normal * 1.25);
    await page.getByTestId('toggle-contrast').tap();
    expect(await htmlAttr('data-contrast')).toBe('high');
    expect(await style('body')).toMatchObject({
      backgroundColor: 'rgb(0, 0, 0)',
      color: 'rgb(255, 255, 255)',
    });
    // The keypad is still whole at 800×480 in large text: its last row on screen.
    await page.getByTestId('home-keypad').tap();
    const zero = await page.getByTestId('keypad-0').boundingBox();
    expect(zero!.y + zero!.height).toBeLessThanOrEqual(480);
  });

  it('the page is small: no validator or other server code in its bundle', async () => {
    const bundle = await (await fetch(`${lab.sim.panel}/panel/main.js`)).text();
    expect(bundle.length).toBeLessThan(80_000);
    expect(bundle).not.toMatch(/ZodError|zod/);
  });

  it('no script error on the page all along', () => {
    expect(pageErrors).toEqual([]);
  });
});
