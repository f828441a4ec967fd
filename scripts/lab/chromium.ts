/**
 * Headless Debian Chromium for browser tests and benches (playwright-core drives it; no bundled
 * browser). A fresh user-data-dir per launch; the flags are the ones ../shared/reference/NOTES.md found
 * necessary: loopback ICE (without --allow-loopback-in-peer-connection it never completes), fake camera
 * and microphone with the permission prompt auto-accepted, and autoplay without a user gesture.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--allow-loopback-in-peer-connection',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console lines of every page, for failure messages and "warned, did not crash" checks. */
  console: string[];
  close(): Promise<void>;
}

/** executablePath: e.g. a WAN lab wrapper that runs Chromium inside a namespace (scripts/lab/wan/). */
export async function launchChromium(options: { executablePath?: string } = {}): Promise<Browser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'portvakt-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: options.executablePath ?? CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const lines: string[] = [];
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (msg) => lines.push(`${msg.type()}: ${msg.text()}`));
  page.on('pageerror', (err) => lines.push(`pageerror: ${err.message}`));
  return {
    context,
    page,
    console: lines,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** A browser for several independent users (each context has its own storage, like separate phones). */
export async function launchChromiumBrowser(): Promise<{
  newPage(): Promise<Page>;
  close(): Promise<void>;
}> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  return {
    newPage: async () => {
      const context = await browser.newContext();
      return context.newPage();
    },
    close: () => browser.close(),
  };
}
