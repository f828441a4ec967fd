/**
 * A resident adjusts their doorbell at their own panel, end to end as `npm start` runs it, in Chromium:
 * Anna sets a panel PIN in the resident app, taps her card at the panel (the simulator's reader), enters
 * the PIN on the panel page and hides her name — the hub has it and her bell leaves the panel's
 * directory; she signs in again, shows her name and changes her bell's text on the on-screen keyboard —
 * the directory shows the new text. The resident screens have no serious or critical axe violations.
 */
import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryReply } from '../../../cloud-sync/protocol/panel-api.ts';
import { DEMO_CARDS } from '../../../device/sim/demo-building.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../../../scripts/lab/chromium.ts';
import { until } from '../../../scripts/lab/until.ts';
import {
  logInApp,
  panelJson,
  residentPassword,
  type Simulator,
  startSimulator,
} from '../../../scripts/sim/simulator.ts';

const ANNA = 'resident-01';
const BELL = 'bell-anna';
const PIN = '4071';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

describe('a resident’s doorbell settings at the panel', () => {
  let sim: Simulator;
  let browser: Browser;
  let panel: Page;
  let readers = 0;

  const admin = async (path: string) => {
    const res = await fetch(`${sim.hub}${path}`, { headers: { authorization: `Bearer ${sim.adminToken}` } });
    return (await res.json()) as Record<string, unknown>;
  };
  const directory = async () => (await panelJson(sim, '/api/v1/directory')) as unknown as DirectoryReply;
  /** Anna's card on the panel's readers in turn (one reader ignores a card repeated within 1.5 s). */
  const tapAnna = async () => {
    const reader = ['entrance-reader', 'courtyard-reader'][readers++ % 2];
    const res = await fetch(`${sim.panel}/api/v1/sim/readers/${reader}/tap`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uid: DEMO_CARDS.resident }),
    });
    expect(res.status).toBe(200);
  };
  const screen = (name: string) => panel.locator(`body[data-screen="${name}"]`).waitFor();
  /** No serious or critical axe violations on the screen shown now. */
  const axe = async (what: string) => {
    await panel.addScriptTag({ path: AXE });
    const violations = await panel.evaluate(async () => {
      const run = (
        globalThis as unknown as {
          axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> };
        }
      ).axe;
      const result = await run.run();
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.nodes.length})`);
    });
    expect(violations, what).toEqual([]);
    // Every control on the screen is a touch target of at least 48 × 48 px.
    // (A string: the test's own TypeScript has no DOM types.)
    const small = await panel.evaluate<string[]>(`[...document.querySelectorAll('button, input')]
      .filter((el) => el.offsetParent !== null)
      .map((el) => ({ id: el.dataset.testid ?? el.id, box: el.getBoundingClientRect() }))
      .filter(({ box }) => box.width < 48 || box.height < 48)
      .map(({ id, box }) => id + ' ' + Math.round(box.width) + 'x' + Math.round(box.height))`);
    expect(small, what).toEqual([]);
  };

  /**
   * From home to the settings screen: the entrance, Anna's tap, her PIN on the keys. Until the panel has
   * her PIN (the hub's patch, a moment after she set it) it says she has none: back home and again.
   */
  const signIn = async () => {
    await until(
      async () => {
        await panel.getByTestId('home-resident').click();
        await screen('resident-tap');
        await tapAnna();
        await screen('resident-pin');
        // The keypad is the tap's answer: no card feedback over it.
        expect(await panel.getByTestId('card-feedback').isHidden()).toBe(true);
        for (const digit of PIN) await panel.getByTestId(`pin-${digit}`).click();
        await panel.getByTestId('pin-ok').click();
        const outcome = await until(async () => {
          if ((await panel.locator('body[data-screen="resident-settings"]').count()) === 1) return 'in';
          const message = (await panel.getByTestId('pin-message').textContent()) ?? '';
          return /no PIN yet/.test(message) ? 'no PIN here yet' : undefined;
        }, 'the PIN checked');
        if (outcome === 'in') return true;
        await panel.getByTestId('resident-pin-back').click();
        await screen('home');
        return false;
      },
      'a sign-in with her PIN',
      30_000,
      500,
    );
    await expect.poll(() => panel.getByTestId('resident-hello').textContent()).toBe('Hello, Anna Andersson');
  };

  beforeAll(async () => {
    sim = await startSimulator();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    // The panel's screen; the page's CSP allows only its own scripts, so axe goes in past it.
    const context = await browser.newContext({ viewport: { width: 800, height: 480 }, bypassCSP: true });
    panel = await context.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await sim?.stop();
  });

  it('sets a PIN in the resident app, which says so and keeps nothing to show', async () => {
    const app = await (await browser.newContext()).newPage();
    const password = await residentPassword(sim, ANNA);
    await logInApp(app, sim, ANNA, password, 'Anna phone');
    await app.getByTestId('open-settings').click();
    await expect.poll(() => app.getByTestId('panel-pin-state').textContent()).toMatch(/No PIN is set/);
    await app.getByTestId('panel-pin-new').fill('1234');
    await app.getByTestId('panel-pin-password').fill(password);
    await app.getByTestId('panel-pin-save').click();
    await expect.poll(() => app.getByTestId('panel-pin-result').textContent()).toMatch(/run such as 1234/);
    await app.getByTestId('panel-pin-new').fill(PIN);
    await app.getByTestId('panel-pin-save').click();
    await expect.poll(() => app.getByTestId('panel-pin-state').textContent()).toMatch(/A PIN is set/);
    await app.close();
  }, 90_000);

  it('hides her name at the panel: the hub has it, and her bell leaves the directory', async () => {
    await panel.goto(`${sim.panel}/panel/?cardMs=600&outcomeMs=1000`);
    await panel.locator('body[data-ready="1"]').waitFor();
    expect((await directory()).bells.map((b) => b.bellId)).toContain(BELL);
    await signIn();
    await axe('settings');
    // The panel's other screen sizes, portrait and landscape.
    for (const [width, height] of [
      [480, 800],
      [1024, 600],
      [600, 1024],
    ] as const) {
      await panel.setViewportSize({ width, height });
      await axe(`settings at ${width}×${height}`);
    }
    await panel.setViewportSize({ width: 800, height: 480 });
    expect(await panel.getByTestId('resident-show-name').getAttribute('aria-checked')).toBe('true');
    await panel.getByTestId('resident-show-name').click();
    expect(await panel.getByTestId('resident-show-name').getAttribute('aria-checked')).toBe('false');
    await panel.getByTestId('resident-save').click();
    await screen('resident-sent');
    await axe('sent');
    await until(
      async () => (await admin(`/api/v1/residents/${ANNA}`))['hidden'] === true,
      'the hub to hide Anna',
    );
    await until(
      async () => !(await directory()).bells.some((b) => b.bellId === BELL),
      'the bell off the panel',
    );
    // The page goes home by itself and the visitor's directory has no Anna.
    await screen('home');
    await panel.getByTestId('home-find').click();
    await screen('directory');
    await expect.poll(() => panel.getByTestId(`bell-${BELL}`).count()).toBe(0);
    await panel.getByTestId('directory-back').click();
  }, 90_000);

  it('shows her name again with a new text, typed on the panel’s keys', async () => {
    await screen('home');
    await signIn();
    await panel.getByTestId('resident-show-name').click();
    await panel.getByTestId('resident-display-text').fill('');
    for (const key of ['a', 'n', 'n', 'a', 'space', 'a', '.']) await panel.getByTestId(`rkey-${key}`).click();
    expect(await panel.getByTestId('resident-display-text').inputValue()).toBe('Anna A.');
    await panel.getByTestId('resident-save').click();
    await screen('resident-sent');
    await until(
      async () => (await directory()).bells.find((b) => b.bellId === BELL)?.displayText === 'Anna A.',
      'the new text on the panel',
    );
    expect((await admin(`/api/v1/residents/${ANNA}`))['hidden']).toBe(false);
    await screen('home');
    await panel.getByTestId('home-find').click();
    await expect.poll(() => panel.getByTestId(`bell-${BELL}`).textContent()).toContain('Anna A.');
  }, 90_000);

  it('ends the visit when the resident walks away: idle signs out and goes home', async () => {
    await panel.goto(`${sim.panel}/panel/?cardMs=600&idleMs=2500`);
    await panel.locator('body[data-ready="1"]').waitFor();
    await signIn();
    const signOut = panel.waitForRequest(
      (req) => req.method() === 'DELETE' && req.url().endsWith('/api/v1/resident-session'),
    );
    await screen('home');
    expect((await signOut).headers()['authorization']).toMatch(/^Bearer /);
  }, 90_000);

  it('tells a wrong PIN and the pause after three, and has no axe violations on the way', async () => {
    await panel.goto(`${sim.panel}/panel/?cardMs=600&outcomeMs=1000`);
    await panel.locator('body[data-ready="1"]').waitFor();
    await panel.getByTestId('home-resident').click();
    await screen('resident-tap');
    await axe('tap');
    await tapAnna();
    await screen('resident-pin');
    await axe('pin');
    for (let i = 0; i < 3; i++) {
      for (const digit of '9999') await panel.getByTestId(`pin-${digit}`).click();
      await panel.getByTestId('pin-ok').click();
      await expect.poll(() => panel.getByTestId('pin-message').textContent()).toMatch(/Wrong PIN/);
    }
    for (const digit of PIN) await panel.getByTestId(`pin-${digit}`).click();
    await panel.getByTestId('pin-ok').click();
    await expect.poll(() => panel.getByTestId('pin-message').textContent()).toMatch(/Try again in \d+ s/);
    expect(await panel.getByTestId('pin-1').isDisabled()).toBe(true);
  }, 90_000);
});
