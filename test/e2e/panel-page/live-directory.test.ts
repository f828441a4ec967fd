/**
 * The panel page follows the directory live: a resident an administrator takes off the panel's
 * directory leaves the page within a second (the panel pushes the directory on the screen stream when it
 * applied the change;
 * the page's own refresh is every 30 s, so only the push can pass this), as `npm start` runs it.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromiumBrowser } from '../../../scripts/lab/chromium.ts';
import { until } from '../../../scripts/lab/until.ts';
import { panelJson, type Simulator, startSimulator } from '../../../scripts/sim/simulator.ts';

describe('the panel page directory, live', () => {
  let sim: Simulator;
  let browser: Awaited<ReturnType<typeof launchChromiumBrowser>>;
  let page: Page;

  beforeAll(async () => {
    sim = await startSimulator();
    browser = await launchChromiumBrowser();
    page = await browser.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await sim?.stop();
  });

  const admin = async (method: string, path: string) => {
    const res = await fetch(`${sim.hub}${path}`, {
      method,
      headers: { authorization: `Bearer ${sim.adminToken}` },
    });
    return (await res.json()) as Record<string, unknown>;
  };

  it('drops a resident removed at the hub within a second', async () => {
    const panelId = String((await panelJson(sim, '/healthz'))['panelId']);
    const bells = (await admin('GET', `/api/v1/doorbells?panelId=${panelId}&type=separate`))['doorbells'] as {
      id: string;
      residentId: string;
    }[];
    const bell = bells[0]!;
    await page.goto(`${sim.panel}/panel/`);
    const shown = () => page.locator(`[data-testid="bell-${bell.id}"]`).count();
    await until(async () => (await shown()) === 1, 'the bell on the page', 10_000);
    const removed = await admin('DELETE', `/api/v1/panels/${panelId}/directory/${bell.residentId}`);
    expect(removed['removedBells']).toContain(bell.id);
    // The bound (from the hub's answer; the hub answers once it published the change).
    await until(async () => (await shown()) === 0, 'the name to leave the panel page', 1000);
    // The other residents are still listed.
    expect(await page.locator('[data-testid^="bell-"]').count()).toBeGreaterThan(0);
  }, 60_000);
});
