/**
 * Screenshots of every screen of the panel page (docs/panel-ui.md) at the panel's four resolutions:
 * starts the simulator with the lab's scripted phone as the phone-only demo resident
 * (scripts/sim/panel-page.ts), visits each case of PANEL_SCREEN_CASES in headless Chromium on a touch
 * screen, and writes docs/screenshots/panel/<case>-<width>x<height>.png, palette-quantised with sharp
 * so the committed files stay small.
 *
 * `npm run screenshots:panel [-- --out DIR] [-- --only NAME]` (builds first; needs the lab namespace:
 * Kamailio for the phone cases).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { CHROMIUM, CHROMIUM_ARGS } from './lab/chromium.ts';
import {
  openPanelPage,
  PANEL_SCREEN_CASES,
  PANEL_SIZES,
  resetPanelPage,
  startPanelLab,
} from './sim/panel-page.ts';

const OUT = resolve(import.meta.dirname, '../docs/screenshots/panel');
/** Long enough that no screen moves on while it is photographed. */
const STILL = { outcomeMs: 60_000, cardMs: 30_000, idleMs: 600_000 };

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, only: { type: 'string' } } });
  const out = resolve(values.out ?? OUT);
  mkdirSync(out, { recursive: true });
  const cases = PANEL_SCREEN_CASES.filter((c) => !values.only || c.name === values.only);
  if (cases.length === 0) throw new Error(`no case "${values.only}"`);
  const lab = await startPanelLab();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const failed: string[] = [];
  try {
    for (const size of PANEL_SIZES) {
      const page = await openPanelPage(browser, lab, size, STILL);
      for (const c of cases) {
        const file = join(out, `${c.name}-${size.name}.png`);
        try {
          await resetPanelPage(page, lab);
          await c.show(page, lab);
          await page.locator(`body[data-screen="${c.screen}"]`).waitFor();
          const png = await page.screenshot({ animations: 'disabled' });
          await sharp(png).png({ palette: true, colours: 64, compressionLevel: 9, effort: 10 }).toFile(file);
          process.stdout.write(`wrote ${file}\n`);
        } catch (err) {
          // One case that cannot be reached does not cost the others their pictures.
          failed.push(`${c.name} at ${size.name}: ${(err as Error).message.split('\n')[0]}`);
          process.stderr.write(`FAILED ${failed.at(-1)}\n`);
        }
      }
      await page.context().close();
    }
  } finally {
    await browser.close();
    await lab.stop();
  }
  if (failed.length > 0) throw new Error(`${failed.length} screenshots failed:\n${failed.join('\n')}`);
}

await main();
