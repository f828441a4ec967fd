/**
 * Screenshots of WebAdmin's main screens for the README: starts the simulator (npm start's launcher:
 * embedded broker, hub, and a panel with the demo building), has the operator create a building
 * administrator, logs in as them in headless Chromium (the TOTP code computed from the secret the page
 * shows, as an authenticator app would), and writes 1280×800 PNGs of the login, panels, residents, cards,
 * change log, doorbells, directory, access rules, events and CSV import to docs/screenshots/.
 *
 * `npm run build && node scripts/screenshots.ts [--out DIR]`
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { totpCode } from '../cloud-sync/hub/accounts/totp.ts';
import { launchChromium } from './lab/chromium.ts';
import { startSimulator } from './sim/simulator.ts';

const OUT = resolve(import.meta.dirname, '../docs/screenshots');
const ADMIN = {
  username: 'karin.berg',
  displayName: 'Karin Berg',
  password: randomBytes(12).toString('base64url'),
};

async function hubCall(base: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function shoot(page: Page, out: string, name: string): Promise<void> {
  // Let a screen's live refresh settle and the fonts paint before the picture.
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(out, name) });
  process.stdout.write(`wrote ${join(out, name)}\n`);
}

async function screen(page: Page, hash: string, ready: string): Promise<void> {
  // Through the page's own URL, as a click on the side menu would.
  await page.evaluate((h) => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = h;
  }, hash);
  await page.locator(ready).first().waitFor({ timeout: 20_000 });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const out = resolve(values.out ?? OUT);
  mkdirSync(out, { recursive: true });
  const sim = await startSimulator();
  const browser = await launchChromium();
  try {
    const { buildings } = (await hubCall(sim.hub, sim.adminToken, 'GET', '/api/v1/buildings')) as {
      buildings: { id: string }[];
    };
    await hubCall(sim.hub, sim.adminToken, 'POST', '/api/v1/admin/accounts', {
      ...ADMIN,
      role: 'building_admin',
      buildingIds: buildings.map((b) => b.id),
    });
    const page = browser.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${sim.hub}/admin/`);
    const login = page.getByTestId('login-form');
    await login.getByTestId('username').fill(ADMIN.username);
    await login.getByTestId('password').fill(ADMIN.password);
    await shoot(page, out, 'webadmin-login.png');
    await page.getByTestId('login-submit').click();
    const secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
    await page.getByTestId('code-form').getByTestId('code').fill(totpCode(secret, Date.now()));
    await page.getByTestId('code-submit').click();
    await page.getByTestId('recovery-done').click();
    await page.getByTestId('who').waitFor();

    await screen(page, '#/panels', '[data-testid="panel-online"]');
    await page
      .locator('[data-testid="config-sync"]', { hasText: 'in sync' })
      .first()
      .waitFor({ timeout: 20_000 });
    await shoot(page, out, 'webadmin-panels.png');
    await screen(page, '#/residents', '[data-testid="residents"]');
    await shoot(page, out, 'webadmin-residents.png');
    await screen(page, '#/cards', '[data-testid="card-allocate"]');
    await shoot(page, out, 'webadmin-cards.png');
    await screen(page, '#/changes', '[data-testid="changes"]');
    await shoot(page, out, 'webadmin-changes.png');
    await screen(page, '#/doorbells', '[data-testid="bells"]');
    await shoot(page, out, 'webadmin-doorbells.png');
    await screen(page, '#/directory', '[data-testid="directory"]');
    await shoot(page, out, 'webadmin-directory.png');
    await screen(page, '#/access', '[data-testid="rules"]');
    await shoot(page, out, 'webadmin-access.png');
    await screen(page, '#/events', '[data-testid="events"]');
    await shoot(page, out, 'webadmin-events.png');
    await screen(page, '#/import', '[data-testid="import-form"]');
    await shoot(page, out, 'webadmin-import.png');
  } finally {
    await browser.close();
    await sim.stop();
  }
}

await main();
