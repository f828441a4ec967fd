/**
 * Bench group `panel-ui`: the panel page and the kiosk that shows it, as `npm start` runs them (the
 * simulator: panel, hub, embedded broker) with Debian's Chromium —
 *  - card_feedback_p99_ms (card-feedback.ts), panel_page_ready_ms (panel-page-ready.ts),
 *    touch_to_ring_p50_ms (touch-to-ring.ts): headless Chromium driven by playwright-core;
 *  - kiosk_browser_pss_mb (kiosk-memory.ts): the kiosk itself (cage + Chromium, bin/portvakt-kiosk),
 *    measured after the bench's own browser is closed, so no Chromium of this run shares its pages.
 * Needs the lab namespace (only `lo`, root for the kiosk's user switch).
 */
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../lab/chromium.ts';
import { type Simulator, startSimulator } from '../sim/simulator.ts';
import { benchCardFeedback } from './card-feedback.ts';
import { benchKioskMemory } from './kiosk-memory.ts';
import { benchPanelPageReady } from './panel-page-ready.ts';
import type { BenchLine } from './stats.ts';
import { benchTouchToRing } from './touch-to-ring.ts';

export interface PanelUiBenchOptions {
  loads?: number;
  taps?: number;
  calls?: number;
  /** The kiosk memory figure (about 30 s). */
  kiosk?: boolean;
}

export async function benchPanelUi(options: PanelUiBenchOptions = {}): Promise<BenchLine[]> {
  const sim: Simulator = await startSimulator();
  const lines: BenchLine[] = [];
  try {
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      lines.push(await benchPanelPageReady(browser, `${sim.panel}/panel/`, options.loads ?? 20));
      const context = await browser.newContext({ viewport: { width: 800, height: 480 }, hasTouch: true });
      const page = await context.newPage();
      await page.goto(`${sim.panel}/panel/`);
      await page.locator('body[data-ready="1"]').waitFor();
      lines.push(await benchCardFeedback(page, options.taps ?? 200));
      await context.close();
      lines.push(await benchTouchToRing(browser, sim, options.calls ?? 20));
    } finally {
      await browser.close();
    }
    if (options.kiosk ?? true) lines.push(await benchKioskMemory(sim));
    return lines;
  } finally {
    await sim.stop();
  }
}

if (import.meta.main) {
  for (const line of await benchPanelUi()) console.log(JSON.stringify(line));
}
