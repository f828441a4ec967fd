/**
 * The panel page (panel-ui/) driven as a visitor drives it, in Chromium against the simulator (`npm
 * start`): the sizes the panel's screens come in, opening the page on a touch screen, and every screen
 * the page has, each reached through the real panel — a card tapped on the simulator's reader, a call
 * rung from the page to the phone-only demo resident, whose phone is the lab's scripted phone (it rings,
 * answers, is busy, declines or fails as told, and sends the digit that opens the door). Shared by the
 * page's tests (test/e2e/panel-page/) and `npm run screenshots:panel`.
 */
import type { Browser, Page } from 'playwright-core';
import { callState } from '../../cloud-sync/protocol/panel-api.ts';
import { DEMO_CARDS } from '../../device/sim/demo-building.ts';
import { ScriptedPhone } from '../lab/scripted-phone.ts';
import { until } from '../lab/until.ts';
import { hangUpPanel, panelJson, type Simulator, startSimulator } from './simulator.ts';
import { readDemoPhoneAccount } from './sip.ts';

/** The panel screens' resolutions, landscape and portrait. */
export const PANEL_SIZES = [
  { name: '800x480', width: 800, height: 480 },
  { name: '480x800', width: 480, height: 800 },
  { name: '1024x600', width: 1024, height: 600 },
  { name: '600x1024', width: 600, height: 1024 },
] as const;
export type PanelSize = (typeof PANEL_SIZES)[number];

/** Bells of the demo building the cases use (device/sim/demo-directory.ts). */
export const DEMO_BELLS = { picture: 'bell-anna', phone: 'bell-johan', business: 'bell-flat-4001' } as const;

export interface PanelLab {
  sim: Simulator;
  /** Registered as the phone-only demo resident's number; `behaviour` says what it does next. */
  phone: ScriptedPhone;
  stop(): Promise<void>;
}

export async function startPanelLab(): Promise<PanelLab> {
  const sim = await startSimulator();
  try {
    const account = readDemoPhoneAccount(sim.dataDir);
    const phone = await ScriptedPhone.start({
      edge: { host: account.host, port: account.port },
      domain: account.domain,
      number: account.number,
      password: account.password,
    });
    return {
      sim,
      phone,
      stop: async () => {
        await phone.stop();
        await sim.stop();
      },
    };
  } catch (err) {
    await sim.stop();
    throw err;
  }
}

/**
 * A touch screen of `size` showing the page; resolves once the directory is usable. `query`: the page's
 * timings (`idleMs`, `outcomeMs`, `cardMs`: panel-ui/src/page-timings.ts).
 */
export async function openPanelPage(
  browser: Browser,
  lab: PanelLab,
  size: { width: number; height: number },
  query: Record<string, string | number> = {},
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: size.width, height: size.height },
    hasTouch: true,
    reducedMotion: 'reduce',
  });
  // Below the tests' own timeout, so a wait that fails names what it waited for.
  context.setDefaultTimeout(8000);
  const page = await context.newPage();
  const search = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  await page.goto(`${lab.sim.panel}/panel/${search.size ? `?${search}` : ''}`);
  await page.locator('body[data-ready="1"]').waitFor();
  return page;
}

/** The page back on its home screen in the building's defaults, the panel idle. */
export async function resetPanelPage(page: Page, lab: PanelLab): Promise<void> {
  await endCall(lab);
  lab.phone.behaviour = 'answer';
  await page.reload();
  await page.locator('body[data-ready="1"][data-screen="home"]').waitFor();
}

/** Ends the panel's call if there is one, and waits until the panel is idle. */
export async function endCall(lab: PanelLab): Promise<void> {
  if (lab.phone.established) await lab.phone.hangUp();
  await hangUpPanel(lab.sim).catch(() => {});
  await until(
    async () => callState.parse(await panelJson(lab.sim, '/api/v1/call')).phase === 'idle',
    'the panel to be idle',
  );
}

/** Taps a card on the simulator's entrance reader (the decision comes back; the page hears it by stream). */
export async function tapCard(lab: PanelLab, uid: string): Promise<{ granted: boolean }> {
  const res = await fetch(`${lab.sim.panel}/api/v1/sim/readers/entrance-reader/tap`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uid }),
  });
  if (!res.ok) throw new Error(`tap: ${res.status} ${await res.text()}`);
  return (await res.json()) as { granted: boolean };
}

/** From home: finds `name` with the on-screen letters and touches its row (which rings). */
export async function ringFromDirectory(page: Page, name: string, bellId: string): Promise<void> {
  await page.getByTestId('home-find').tap();
  for (const letter of name.toLocaleLowerCase().replace(/[^a-z]/g, ''))
    await page.getByTestId(`key-${letter}`).tap();
  await page.getByTestId(`ring-${bellId}`).tap();
}

/** The flat number a visitor dials for `bellId`, from the panel's own directory. */
export async function unitNumberOf(lab: PanelLab, bellId: string): Promise<string> {
  const { bells } = (await panelJson(lab.sim, '/api/v1/directory')) as {
    bells: { bellId: string; unitNumber: string | null }[];
  };
  const number = bells.find((b) => b.bellId === bellId)?.unitNumber;
  if (!number) throw new Error(`${bellId} has no unit number in the panel's directory`);
  return number;
}

/**
 * Sets a bell's ring time at the hub (the administrator's PATCH) and waits until the panel applied the
 * config it published: the "no answer" case rings the shortest time a bell allows (10 s).
 */
export async function setRingTimeout(lab: PanelLab, bellId: string, seconds: number): Promise<void> {
  const hub = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${lab.sim.hub}${path}`, {
      method,
      headers: { authorization: `Bearer ${lab.sim.adminToken}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  const panelId = String((await panelJson(lab.sim, '/healthz'))['panelId']);
  type Config = { publishedVersion: number | null; reportedVersion: number | null };
  const config = async () => (await hub('GET', `/api/v1/panels/${panelId}`))['config'] as Config;
  const before = (await config()).publishedVersion ?? 0;
  await hub('PATCH', `/api/v1/doorbells/${bellId}`, { ringTimeoutS: seconds });
  await until(async () => {
    const now = await config();
    return (now.publishedVersion ?? 0) > before && (now.reportedVersion ?? 0) >= (now.publishedVersion ?? 0);
  }, 'the panel to apply the ring time');
}

export const screenIs = (page: Page, screen: string, extra = '') =>
  page.locator(`body[data-screen="${screen}"] ${extra}`.trim()).first().waitFor();

/** One state of the page: how to reach it from home, and what shows it is there. */
export interface PanelScreenCase {
  /** File name of its screenshot; unique. */
  name: string;
  /** `body[data-screen]` once shown. */
  screen: string;
  /** Takes over 5 s to reach (a ring timeout): the tests visit it at one size only. */
  slow?: boolean;
  show(page: Page, lab: PanelLab): Promise<void>;
}

const phoneCall = (behaviour: PanelLab['phone']['behaviour']) => async (page: Page, lab: PanelLab) => {
  lab.phone.behaviour = behaviour;
  await ringFromDirectory(page, 'johan', DEMO_BELLS.phone);
};

export const PANEL_SCREEN_CASES: readonly PanelScreenCase[] = [
  { name: 'home', screen: 'home', show: async () => {} },
  {
    name: 'home-norsk-large-text',
    screen: 'home',
    show: async (page) => {
      await page.getByTestId('lang-nb').tap();
      await page.getByTestId('toggle-large-text').tap();
      await page.locator('html[lang="nb"][data-text="large"]').waitFor();
    },
  },
  {
    name: 'home-svenska-high-contrast',
    screen: 'home',
    show: async (page) => {
      await page.getByTestId('lang-sv').tap();
      await page.getByTestId('toggle-contrast').tap();
      await page.locator('html[lang="sv"][data-contrast="high"]').waitFor();
    },
  },
  {
    name: 'directory',
    screen: 'directory',
    show: async (page) => {
      await page.getByTestId('home-find').tap();
      await page.getByTestId('key-e').tap();
      await page.locator('[data-testid^="bell-"]').first().waitFor();
    },
  },
  {
    name: 'directory-no-match',
    screen: 'directory',
    show: async (page) => {
      await page.getByTestId('home-find').tap();
      for (const key of ['x', 'q', 'z']) await page.getByTestId(`key-${key}`).tap();
      await page.getByTestId('directory-no-match').waitFor();
    },
  },
  {
    name: 'keypad',
    screen: 'keypad',
    show: async (page, lab) => {
      await page.getByTestId('home-keypad').tap();
      for (const digit of await unitNumberOf(lab, DEMO_BELLS.picture))
        await page.getByTestId(`keypad-${digit}`).tap();
      await page.getByTestId(`keypad-ring-${DEMO_BELLS.picture}`).waitFor();
    },
  },
  {
    name: 'keypad-no-match',
    screen: 'keypad',
    show: async (page) => {
      await page.getByTestId('home-keypad').tap();
      for (const digit of '99') await page.getByTestId(`keypad-${digit}`).tap();
      await page.locator('.keypad-screen[data-state="no-match"]').waitFor();
    },
  },
  {
    name: 'call-ringing',
    screen: 'call',
    show: async (page) => {
      await ringFromDirectory(page, 'anna', DEMO_BELLS.picture);
      await screenIs(page, 'call', '[data-view="ringing"]');
    },
  },
  {
    name: 'call-phone-ringing',
    screen: 'call',
    show: async (page, lab) => {
      await phoneCall('ring')(page, lab);
      await screenIs(page, 'call', '[data-view="phone-ringing"]');
    },
  },
  {
    name: 'call-connected-door-opened',
    screen: 'call',
    show: async (page, lab) => {
      await phoneCall('answer')(page, lab);
      await screenIs(page, 'call', '[data-view="connected"]');
      await lab.phone.sendDigit('5');
      await page.getByTestId('call-door').waitFor();
    },
  },
  {
    name: 'ended-door-opened',
    screen: 'call-ended',
    show: async (page, lab) => {
      await phoneCall('answer')(page, lab);
      await screenIs(page, 'call', '[data-view="connected"]');
      await lab.phone.sendDigit('5');
      await page.getByTestId('call-door').waitFor();
      await lab.phone.hangUp();
      await screenIs(page, 'call-ended', '[data-outcome="door-opened"]');
    },
  },
  ...(['busy', 'declined', 'failed'] as const).map(
    (outcome): PanelScreenCase => ({
      name: `ended-${outcome}`,
      screen: 'call-ended',
      show: async (page, lab) => {
        await phoneCall(outcome === 'declined' ? 'decline' : outcome === 'failed' ? 'fail' : 'busy')(
          page,
          lab,
        );
        await screenIs(page, 'call-ended', `[data-outcome="${outcome}"]`);
      },
    }),
  ),
  {
    name: 'ended-no-answer',
    screen: 'call-ended',
    slow: true,
    show: async (page, lab) => {
      await setRingTimeout(lab, DEMO_BELLS.phone, 10);
      try {
        await phoneCall('ring')(page, lab);
        await page
          .locator('body[data-screen="call-ended"] [data-outcome="no_answer"]')
          .waitFor({ timeout: 30_000 });
      } finally {
        await setRingTimeout(lab, DEMO_BELLS.phone, 60);
      }
    },
  },
  {
    name: 'ended-cancelled',
    screen: 'call-ended',
    show: async (page) => {
      await ringFromDirectory(page, 'anna', DEMO_BELLS.picture);
      await screenIs(page, 'call', '[data-view="ringing"]');
      await page.getByTestId('hangup').tap();
      await screenIs(page, 'call-ended', '[data-outcome="cancelled"]');
    },
  },
  {
    name: 'card-granted',
    screen: 'home',
    show: async (page, lab) => {
      await tapCard(lab, DEMO_CARDS.resident);
      await page.locator('[data-testid="card-feedback"][data-result="granted"]').waitFor();
    },
  },
  {
    name: 'card-denied',
    screen: 'directory',
    show: async (page, lab) => {
      await page.getByTestId('home-find').tap();
      await tapCard(lab, DEMO_CARDS.revoked);
      await page.locator('[data-testid="card-feedback"][data-result="denied"]').waitFor();
    },
  },
];
