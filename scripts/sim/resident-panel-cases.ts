/**
 * The resident's screens of the panel page as cases beside the visitor's (panel-page.ts): Anna, the
 * demo resident, gets a panel PIN through the hub's resident API (once per lab, waiting until her panel
 * applied it), then each case reaches its screen through the real panel — her card on the simulator's
 * readers, her PIN on the page's keys. `npm run screenshots:panel` photographs them too.
 */
import type { Page } from 'playwright-core';
import { DEMO_CARDS } from '../../device/sim/demo-building.ts';
import { until } from '../lab/until.ts';
import { type PanelLab, type PanelScreenCase, screenIs } from './panel-page.ts';
import { panelJson } from './simulator.ts';

const ANNA = 'resident-01';
export const DEMO_PANEL_PIN = '4071';
const pinned = new WeakMap<PanelLab, Promise<void>>();
let taps = 0;

async function hub(lab: PanelLab, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(`${lab.sim.hub}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token ?? lab.sim.adminToken}`,
      'content-type': 'application/json',
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** Anna's panel PIN, set in the resident API (with her password) and applied by her panel. */
export function withPanelPin(lab: PanelLab): Promise<void> {
  let done = pinned.get(lab);
  if (!done) {
    done = (async () => {
      const { password } = await hub(lab, 'POST', `/api/v1/residents/${ANNA}/login`);
      const login = await hub(lab, 'POST', '/api/v1/resident/login', {
        residentId: ANNA,
        password,
        deviceName: 'Screenshots',
      });
      const panelId = String((await panelJson(lab.sim, '/healthz'))['panelId']);
      type Config = { publishedVersion: number | null; reportedVersion: number | null };
      const config = async () => (await hub(lab, 'GET', `/api/v1/panels/${panelId}`))['config'] as Config;
      const before = (await config()).publishedVersion ?? 0;
      await hub(
        lab,
        'PUT',
        '/api/v1/resident/panel-pin',
        { pin: DEMO_PANEL_PIN, password },
        String(login['token']),
      );
      await until(async () => {
        const now = await config();
        return (
          (now.publishedVersion ?? 0) > before && (now.reportedVersion ?? 0) >= (now.publishedVersion ?? 0)
        );
      }, 'the panel to apply the PIN');
    })();
    pinned.set(lab, done);
  }
  return done;
}

/** Anna's card on the panel's two readers in turn (a reader ignores one card repeated within 1.5 s). */
async function tapAnna(lab: PanelLab): Promise<void> {
  const reader = ['entrance-reader', 'courtyard-reader'][taps++ % 2];
  const res = await fetch(`${lab.sim.panel}/api/v1/sim/readers/${reader}/tap`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uid: DEMO_CARDS.resident }),
  });
  if (!res.ok) throw new Error(`tap: ${res.status} ${await res.text()}`);
}

/** From home to the PIN screen: the entrance, then Anna's card. */
async function toPin(page: Page, lab: PanelLab): Promise<void> {
  await withPanelPin(lab);
  await page.getByTestId('home-resident').tap();
  await screenIs(page, 'resident-tap');
  // Another case may have just tapped her card on that reader (a visitor case's card feedback): a repeat
  // within the reader's window is not decided again, so tap once more after it.
  for (let attempt = 1; ; attempt++) {
    await tapAnna(lab);
    const shown = await page
      .locator('body[data-screen="resident-pin"]')
      .waitFor({ timeout: 2500 })
      .then(() => true)
      .catch(() => false);
    if (shown) return;
    if (attempt === 3) return screenIs(page, 'resident-pin');
  }
}

/** From home to Anna's settings screen. */
export async function toResidentSettings(page: Page, lab: PanelLab): Promise<void> {
  await toPin(page, lab);
  for (const digit of DEMO_PANEL_PIN) await page.getByTestId(`pin-${digit}`).tap();
  await page.getByTestId('pin-ok').tap();
  await screenIs(page, 'resident-settings');
}

export const RESIDENT_SCREEN_CASES: readonly PanelScreenCase[] = [
  {
    name: 'resident-tap',
    screen: 'resident-tap',
    show: async (page) => {
      await page.getByTestId('home-resident').tap();
    },
  },
  {
    name: 'resident-pin',
    screen: 'resident-pin',
    show: async (page, lab) => {
      await toPin(page, lab);
      for (const digit of DEMO_PANEL_PIN.slice(0, 2)) await page.getByTestId(`pin-${digit}`).tap();
    },
  },
  { name: 'resident-settings', screen: 'resident-settings', show: toResidentSettings },
  {
    // A change that leaves Anna in the directory: her bell's text, back and forth between two.
    name: 'resident-sent',
    screen: 'resident-sent',
    show: async (page, lab) => {
      await toResidentSettings(page, lab);
      const text = page.getByTestId('resident-display-text');
      if ((await text.inputValue()) === 'Anna A.') await page.getByTestId('resident-use-name').tap();
      else await text.fill('Anna A.');
      await page.getByTestId('resident-save').tap();
    },
  },
];
