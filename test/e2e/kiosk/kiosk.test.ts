/**
 * The kiosk as the panel runs it — bin/portvakt-kiosk: cage (headless here), the kiosk session, Debian's
 * Chromium — on the `npm start` simulator's panel page: the page is the panel's, the long-press menu is
 * kept away, Chromium comes back when it is killed or its page crashes, at night the (stand-in)
 * backlight goes dark after the idle time and a touch in the dark does nothing, and a SIGTERM to the
 * launcher ends every one of its processes, found by PID.
 */
import { readFileSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabKiosk, startLabKiosk } from '../../../scripts/lab/kiosk.ts';
import { holdsWithin, until } from '../../../scripts/lab/until.ts';
import { panelJson, type Simulator, startSimulator } from '../../../scripts/sim/simulator.ts';
import { gone } from '../../support/pids.ts';

const commandLine = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
};
/** Chromium's browser process: the one started with --kiosk, not a --type= child. */
const browserPid = (kiosk: LabKiosk) =>
  kiosk.pids().find((pid) => {
    const cmd = commandLine(pid);
    return cmd.includes('--kiosk') && !cmd.includes('--type=');
  });
const rendererPid = (kiosk: LabKiosk) =>
  kiosk.pids().find((pid) => commandLine(pid).includes('--type=renderer'));

describe('the kiosk: cage and Chromium on the panel page', () => {
  let sim: Simulator;
  let kiosk: LabKiosk;
  let devtools: Browser | undefined;

  beforeAll(async () => {
    sim = await startSimulator();
    // Night all day ("from" = "to"), so the idle time alone darkens the screen during the test.
    kiosk = await startLabKiosk({
      url: `${sim.panel}/panel/`,
      blanking: ["  from: '00:00'", "  to: '00:00'", '  idleSeconds: 4'].join('\n'),
    });
  }, 120_000);
  afterAll(async () => {
    await devtools?.close().catch(() => {});
    await kiosk?.dispose();
    await sim?.stop();
  });

  /** The kiosk's page, through its DevTools port, once it shows the directory. */
  async function kioskPage(): Promise<Page> {
    await devtools?.close().catch(() => {});
    devtools = await until(
      () => chromium.connectOverCDP(kiosk.devtools).catch(() => undefined),
      "the kiosk browser's DevTools",
      30_000,
      200,
    );
    const page = await until(
      () => devtools?.contexts().flatMap((c) => c.pages())[0],
      'the kiosk page',
      30_000,
      100,
    );
    await until(
      async () => (await page.locator('body[data-ready="1"]').count()) === 1,
      'the directory on the kiosk page (body[data-ready="1"])',
      30_000,
      100,
    );
    return page;
  }

  it('shows the panel page full screen, without a context menu', async () => {
    const page = await kioskPage();
    expect(page.url()).toBe(`${sim.panel}/panel/`);
    // Kiosk mode: the page has the whole screen (no tabs, no toolbar).
    const size = await page.evaluate<{ inner: number[]; screen: number[] }>(
      '({ inner: [innerWidth, innerHeight], screen: [screen.width, screen.height] })',
    );
    expect(size.inner).toEqual(size.screen);
    // A long press opens the context menu unless the page cancels it; the kiosk's script does.
    const prevented = await page.evaluate<boolean>(`(() => {
      const event = new MouseEvent('contextmenu', { bubbles: true, cancelable: true });
      document.body.dispatchEvent(event);
      return event.defaultPrevented;
    })()`);
    expect(prevented).toBe(true);
    // And Chromium runs as the kiosk user, inside cage.
    const cage = kiosk.pids().find((pid) => commandLine(pid).startsWith('/usr/bin/cage'));
    expect(cage).toBeDefined();
  }, 60_000);

  it('starts Chromium again when it is killed, and when its page crashes', async () => {
    const first = browserPid(kiosk);
    expect(first).toBeDefined();
    process.kill(first!, 'SIGKILL');
    await until(
      () => browserPid(kiosk) !== undefined && browserPid(kiosk) !== first,
      'a new browser',
      30_000,
    );
    await kioskPage();

    // A renderer killed (as the OOM killer would) leaves "Aw, Snap!" on the screen unless the kiosk acts.
    const second = browserPid(kiosk);
    const renderer = rendererPid(kiosk);
    expect(renderer).toBeDefined();
    process.kill(renderer!, 'SIGKILL');
    await until(
      () => browserPid(kiosk) !== undefined && browserPid(kiosk) !== second,
      'a new browser after the crash',
      30_000,
    );
    const page = await kioskPage();
    expect(page.url()).toBe(`${sim.panel}/panel/`);
  }, 120_000);

  it('darkens the screen at night when idle, and a touch in the dark does nothing', async () => {
    await until(() => kiosk.backlightPower() === '4', 'the backlight off', 20_000, 100);
    const page = await kioskPage();
    // A tap in the dark — on a panel it wakes the screen — must do nothing: the home screen's "Find a
    // name" stays untouched (the Ring buttons behind it work the same way).
    expect(await page.locator('body').getAttribute('data-screen')).toBe('home');
    await page.getByTestId('home-find').click({ timeout: 5000 });
    const moved = await holdsWithin(
      async () => (await page.locator('body').getAttribute('data-screen')) !== 'home',
      1500,
    );
    expect(moved).toBe(false);
    expect((await panelJson(sim, '/api/v1/call'))['phase']).toBe('idle');
  }, 60_000);

  it('ends every process of the kiosk on SIGTERM, and lights the screen', async () => {
    const pids = kiosk.pids();
    // The launcher, cage, the session, swayidle and Chromium's processes.
    expect(pids.length).toBeGreaterThan(5);
    await devtools?.close().catch(() => {});
    devtools = undefined;
    expect(await kiosk.stop()).toBe(0);
    const left: number[] = [];
    for (const pid of pids) if (!(await gone(pid, 10_000))) left.push(pid);
    expect(left.map(commandLine)).toEqual([]);
    expect(kiosk.backlightPower()).toBe('0');
  }, 60_000);
});
