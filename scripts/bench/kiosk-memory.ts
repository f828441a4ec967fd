/**
 * kiosk_browser_pss_mb: what the kiosk costs in memory with the panel page loaded and idle — the PSS
 * (/proc/PID/smaps_rollup) of cage and of every Chromium process. The kiosk runs as the panel runs it
 * (bin/portvakt-kiosk, scripts/lab/kiosk.ts): cage's headless backend at 1280×720 with its software
 * renderer, Chromium drawing in software (the kiosk's default), night blanking on (swayidle running).
 *
 * PSS shares a page with every process that maps it, also with the Chromiums of other programs on this
 * machine: on a shared machine the figure goes down while they run (206 to 332 MB in one session). So
 * beside it, pages_once_mb: the physical pages of cage and Chromium each counted once
 * (scripts/kiosk/kiosk-memory.ts) — what they take on a board where nothing else maps them, shared
 * libraries included in full, whatever else runs here; with_session_pages_once_mb adds the kiosk's own
 * session (Node), swayidle and the launcher shell, whose PSS is session_mb.
 */
import { chromium } from 'playwright-core';
import { kioskProcesses, pssByPart, uniqueMb } from '../kiosk/kiosk-memory.ts';
import { startLabKiosk } from '../lab/kiosk.ts';
import { until } from '../lab/until.ts';
import type { Simulator } from '../sim/simulator.ts';
import { type BenchLine, round } from './stats.ts';

/** After the page is ready: long enough for the startup's garbage to be collected and pages to settle. */
const SETTLE_MS = 15_000;

export async function benchKioskMemory(sim: Simulator): Promise<BenchLine> {
  const kiosk = await startLabKiosk({
    url: `${sim.panel}/panel/`,
    // On, as shipped, but never dark during the measurement.
    blanking: ['  enabled: true', '  idleSeconds: 3600'].join('\n'),
  });
  try {
    const devtools = await chromium.connectOverCDP(kiosk.devtools);
    try {
      const page = await until(() => devtools.contexts().flatMap((c) => c.pages())[0], 'the kiosk page');
      await page.locator('body[data-ready="1"]').waitFor({ timeout: 30_000 });
    } finally {
      await devtools.close();
    }
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const processes = kioskProcesses(kiosk.pid, `${kiosk.runtimeDir}/portvakt-kiosk`);
    const mb = pssByPart(processes);
    const chromiumProcesses = processes.filter((p) => p.part === 'browser').length;
    const browserPids = processes
      .filter((p) => p.part === 'compositor' || p.part === 'browser')
      .map((p) => p.pid);
    return {
      metric: 'kiosk_browser_pss_mb',
      value: round(mb.compositor + mb.browser, 1),
      unit: 'MB',
      compositor_mb: mb.compositor,
      chromium_mb: mb.browser,
      chromium_processes: chromiumProcesses,
      session_mb: round(mb.session + mb.other, 1),
      pages_once_mb: uniqueMb(browserPids) ?? 'n/a',
      with_session_pages_once_mb: uniqueMb(processes.map((p) => p.pid)) ?? 'n/a',
      screen: '1280x720 headless, software rendering',
      note: "PSS of cage and every Chromium process, the panel page loaded and idle 15 s; session: the kiosk's Node session, swayidle, the launcher",
    };
  } finally {
    await kiosk.dispose();
  }
}
