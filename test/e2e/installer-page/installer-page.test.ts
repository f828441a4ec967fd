/**
 * The installer page in real Chromium on the real panel process (simulated GPIO and reader), at the
 * panel's 800×480: PIN entry on the keypad, a relay click only after its confirmation, inputs and the
 * reader test live (no UID on the page), the factory reset with its typed word, then the wrong-PIN wait
 * on the screen. axe-core finds no serious or critical violation; screenshots go to docs/screenshots/.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTALLER_PATHS } from '../../../cloud-sync/protocol/installer-api.ts';
import { hashPin } from '../../../lib/crypto/pin-hash.ts';
import { type Browser, launchChromium } from '../../../scripts/lab/chromium.ts';
import { freePort } from '../../../scripts/lab/free-port.ts';
import { until } from '../../../scripts/lab/until.ts';
import { panelConfig } from '../../support/configs.ts';
import { api } from '../../support/http.ts';
import { type PanelProcess, startPanel, writeConfig } from '../../support/panel-process.ts';
import { seedCards } from '../../support/seed.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { seriousViolations } from './axe-check.ts';

const PIN = '86420135';
const UID = '04DEADBEEF0102';
const SHOTS = new URL('../../../docs/screenshots/', import.meta.url).pathname;

describe('the installer page', () => {
  let panel: PanelProcess;
  let browser: Browser;
  let page: Page;
  let base: string;
  let db: string;

  beforeAll(async () => {
    const dir = tempDir();
    db = join(dir, 'data', 'panel.db');
    const config = panelConfig({ storePath: db });
    // A fixed port: the page must find the panel again after the factory reset restarts it.
    const port = await freePort();
    const path = writeConfig(dir, {
      ...config,
      api: { ...(config['api'] as object), port, installerPinHash: await hashPin(PIN) },
    });
    panel = await startPanel(['--config', path]);
    base = panel.base;
    browser = await launchChromium();
    page = browser.page;
    await page.setViewportSize({ width: 800, height: 480 });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await panel?.stop();
  });

  const ready = (screen: string) =>
    page.waitForSelector(`body[data-screen="${screen}"][data-ready="1"]`, { timeout: 10_000 });
  const typePin = async (pin: string) => {
    for (const d of pin) await page.click(`[data-testid="pin-key-${d}"]`);
    await page.click('[data-testid="pin-enter"]');
  };
  const relays = async () => (await api(base, 'GET', '/api/v1/sim/relays')).body.relays[0];

  it('uses the protocol paths', () => {
    expect(INSTALLER_PATHS.session).toBe('/api/v1/installer/session');
    expect(INSTALLER_PATHS.testPulse('entrance')).toBe('/api/v1/installer/doors/entrance/test-pulse');
  });

  it('enters with the PIN keypad; relays, inputs and the reader test work from the screen', async () => {
    await page.goto(`${base}/panel/installer.html`);
    await ready('pin');
    expect(await seriousViolations(page)).toEqual([]);
    // The panel's screens, landscape and portrait: the keypad and Enter fit without scrolling.
    for (const [width, height] of [
      [1024, 600],
      [480, 800],
      [600, 1024],
      [800, 480],
    ] as const) {
      await page.setViewportSize({ width, height });
      const enter = await page.locator('[data-testid="pin-enter"]').boundingBox();
      expect(enter!.y + enter!.height, `${width}x${height}`).toBeLessThanOrEqual(height);
      await page.screenshot({ path: join(SHOTS, `installer-pin-${width}x${height}.png`) });
    }
    await typePin(PIN);
    await ready('installer');
    expect(await seriousViolations(page)).toEqual([]);

    // A relay moves only after its confirmation; Cancel leaves it alone.
    await page.click('[data-testid="relay-test-entrance"]');
    await page.waitForSelector('[data-testid="confirm-dialog"][open]');
    expect(await page.textContent('#confirm-question')).toContain('Entrance');
    await page.click('[data-testid="confirm-cancel"]');
    expect((await relays()).energizeCount).toBe(0);
    await page.click('[data-testid="relay-test-entrance"]');
    await page.click('[data-testid="confirm-yes"]');
    await page.waitForSelector('[data-testid="relay-state-entrance"][data-locked="false"]');
    expect((await relays()).energizeCount).toBe(1);
    await page.waitForSelector('[data-testid="relay-state-entrance"][data-locked="true"]', { timeout: 5000 });

    // Inputs, live.
    await api(base, 'POST', '/api/v1/sim/inputs/entrance.doorContact', { active: true });
    await page.waitForSelector('[data-testid="input-entrance.doorContact"][data-active="true"]');
    await api(base, 'POST', '/api/v1/sim/inputs/entrance.doorContact', { active: false });
    await page.waitForSelector('[data-testid="input-entrance.doorContact"][data-active="false"]');

    // The reader test: that a card was read, and its UID's length, never the UID.
    seedCards(db, 'entrance', [UID]);
    await api(base, 'POST', '/api/v1/sim/readers/entrance-reader/tap', { uid: UID });
    await page.waitForSelector('[data-testid="reader-result"][data-uid-length="7"]');
    expect(await page.textContent('[data-testid="reader-result"]')).toContain('entrance-reader');
    expect(await page.content()).not.toContain(UID);

    expect(await page.textContent('[data-testid="pairing-state"]')).toContain('Not paired');
    expect(await page.textContent('[data-testid="identity-id"]')).toBe('test-panel');
    await page.screenshot({ path: join(SHOTS, 'installer-console.png'), fullPage: true });
  }, 60_000);

  it('erases the panel after the typed confirmation, then shows the wrong-PIN wait', async () => {
    const start = page.locator('[data-testid="reset-start"]');
    expect(await start.isDisabled()).toBe(true);
    await page.fill('[data-testid="reset-word"]', 'yes');
    expect(await start.isDisabled()).toBe(true);
    await page.fill('[data-testid="reset-word"]', 'erase');
    await start.click();
    await page.waitForSelector('[data-testid="reset-status"][data-state="erasing"]');
    // Back on the PIN screen once the same process has come back, with the card erased.
    await page.waitForSelector('body[data-screen="pin"]', { timeout: 30_000 });
    expect(await page.textContent('[data-testid="pin-status"]')).toContain('restarted');
    const tap = await api(base, 'POST', '/api/v1/sim/readers/entrance-reader/tap', { uid: UID });
    expect(tap.body).toMatchObject({ granted: false, reason: 'unknown_card' });

    await ready('pin');
    for (let i = 0; i < 3; i++) {
      await typePin('000000');
      await until(
        async () => (await page.textContent('[data-testid="pin-status"]'))?.includes('PIN') ?? false,
        'the answer',
        5000,
      );
    }
    await page.waitForSelector('[data-testid="pin-status"][data-retry-after]');
    expect(await page.textContent('[data-testid="pin-status"]')).toMatch(/Try again in \d+ s/);
    expect(await page.locator('[data-testid="pin-key-1"]').isDisabled()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'installer-pin-backoff.png') });
  }, 90_000);
});
