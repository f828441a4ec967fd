/**
 * What the visitor-page test files share: the lab (simulator and scripted phone), Chromium, the panel
 * page at 800×480 on a touch screen with a short outcome screen, and small readers of what it shows.
 */
import { type Browser, chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../../scripts/lab/chromium.ts';
import { openPanelPage, type PanelLab, startPanelLab } from '../../../scripts/sim/panel-page.ts';
import { panelJson } from '../../../scripts/sim/simulator.ts';

export interface Site {
  buildingName: string;
  entranceName: string;
  defaultLanguage: string;
}

export interface VisitorPage {
  lab: PanelLab;
  browser: Browser;
  page: Page;
  site: Site;
}

/** Starts the lab and the page; script errors of the page are pushed to `pageErrors`. */
export async function startVisitorPage(pageErrors: string[]): Promise<VisitorPage> {
  const lab = await startPanelLab();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const page = await openPanelPage(browser, lab, { width: 800, height: 480 }, { outcomeMs: 1500 });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  const site = (await panelJson(lab.sim, '/api/v1/directory'))['site'] as Site;
  return { lab, browser, page, site };
}

export async function stopVisitorPage(v: Partial<VisitorPage>): Promise<void> {
  await v.browser?.close();
  await v.lab?.stop();
}

/** A bell's row in the directory (test id `bell-<bellId>`, the benchmarks' contract). */
export const row = (bellId: string) => `bell-${bellId}`;

/** Readers of the page `page()` returns (the test files assign it in their beforeAll). */
export function pageReaders(page: () => Page) {
  return {
    text: async (testid: string) => (await page().getByTestId(testid).textContent())?.trim() ?? '',
    /** The test ids of a list's rows, in order. */
    rows: (list = 'directory') =>
      page()
        .locator(`[data-testid="${list}"] > li`)
        .evaluateAll((els) => els.map((e) => e.dataset['testid'])),
    focusedTestId: () =>
      page().evaluate(
        () =>
          (
            globalThis as unknown as {
              document: { activeElement: { dataset: Record<string, string> } | null };
            }
          ).document.activeElement?.dataset['testid'],
      ),
    htmlAttr: (name: string) => page().locator('html').getAttribute(name),
  };
}
