/**
 * Two resident-app flows in headless Chromium against a real hub and broker: an invite link (the
 * resident chooses a password and is logged in; the link works once) and the unit owner's "Your unit's
 * doorbell" section (shown to the owner only; a switch to a family bell reaches the panel's snapshot).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchChromium } from '../../../scripts/lab/chromium.ts';
import { until } from '../../../scripts/lab/until.ts';
import { adminApi } from '../../support/hub.ts';
import { appStatus, logIn } from './app-page.ts';
import { PANEL, startWorld, type World } from './harness.ts';

describe('invites and unit owners in the resident app (Chromium)', () => {
  let world: World;
  let browser: Browser;
  let page: Page;
  const origin = () => new URL(world.appUrl).origin;
  const openSettings = async () => {
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings').waitFor();
  };

  beforeAll(async () => {
    world = await startWorld();
    world.hub.store.entities.create('residents', { id: 'bob', unitId: 'u1', name: 'Bob Andersson' });
    browser = await launchChromium();
    page = browser.page;
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await world?.stop();
  });

  it('lets an invited resident choose a password and logs them in; the link works once', async () => {
    const reply = await adminApi(world.hub)('POST', '/api/v1/residents/bob/invite');
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    const invite = reply.body as { link: string };
    await page.goto(`${origin()}${invite.link}`);
    // The code leaves the address bar at once.
    await until(async () => !page.url().includes('#invite'), 'the code to leave the URL');
    await page.getByTestId('invite-password').fill('bob has a long password');
    await page.getByTestId('invite-repeat').fill('bob has a long password');
    await page.getByTestId('invite-submit').click();
    await until(async () => (await appStatus(page)).screen === 'home', 'the home screen');
    // Not an owner: no unit section.
    await openSettings();
    await page.getByTestId('profile-name').waitFor();
    expect(await page.getByTestId('unit').isHidden()).toBe(true);

    // Typed by hand this time (from the login screen): the code is spent.
    await page.evaluate(() => localStorage.clear());
    await page.goto(world.appUrl);
    await page.getByTestId('login-invite').click();
    await page
      .getByTestId('invite-code')
      .fill(new URL(`${origin()}${invite.link}`).hash.slice('#invite='.length));
    await page.getByTestId('invite-password').fill('another long password');
    await page.getByTestId('invite-repeat').fill('another long password');
    await page.getByTestId('invite-submit').click();
    await expect.poll(() => page.getByTestId('invite-error').textContent()).toMatch(/already used/);
  });

  it("shows the owner the unit's doorbell per panel and switches it to a family bell", async () => {
    world.hub.store.unitOwners.set('u1', 'alice');
    await page.evaluate(() => localStorage.clear());
    await logIn(page, world);
    await openSettings();
    const panel = page.getByTestId(`unit-panel-${PANEL}`);
    await panel.waitFor();
    await panel.getByTestId('unit-type').selectOption('family');
    await panel.getByTestId('unit-text').fill('Familjen Andersson');
    await panel.getByTestId('unit-save').click();
    await expect.poll(() => page.getByTestId('unit-result').textContent()).toMatch(/^Saved for /);
    const bells = world.hub.store.snapshots.rows(PANEL)!['bells'] as Record<string, unknown>[];
    expect(bells).toEqual([
      expect.objectContaining({ type: 'family', displayText: 'Familjen Andersson', unitId: 'u1' }),
    ]);
  });
});
