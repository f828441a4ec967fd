/**
 * Pairing end to end, as an installer and an administrator do it: an unpaired panel process (base
 * config: wiring and the hub's address only) shows its code on its screen in Chromium; the administrator
 * claims it through the admin API; the panel saves its kit, restarts paired in the same process, logs in
 * to the broker with the credentials it received, applies its signed config, and grants a resident's
 * card. Nobody copied a file.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAIRING_CLAIM_PATH } from '../../../cloud-sync/protocol/pairing.ts';
import { type Browser, launchChromium } from '../../../scripts/lab/chromium.ts';
import { until } from '../../../scripts/lab/until.ts';
import { api } from '../../support/http.ts';
import { seriousViolations } from '../installer-page/axe-check.ts';
import { firstLogIn } from '../webadmin/admin-page.ts';
import { type PairingWorld, startPairingWorld, UID, type UnpairedPanel } from './pairing-world.ts';

const SHOTS = new URL('../../../docs/screenshots/', import.meta.url).pathname;

describe('pairing a panel with the hub', () => {
  let world: PairingWorld;
  let browser: Browser;
  let panel: UnpairedPanel;
  /** The installer PIN the first claim's reply showed. */
  let installerPin = '';

  beforeAll(async () => {
    world = await startPairingWorld();
    panel = await world.unpairedPanel();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await world?.stop();
  });

  it('shows the code on the screen, and after the claim the panel runs paired and grants a card', async () => {
    const { page } = browser;
    // The visitor page's address leads to the pairing page while the panel is unpaired.
    await page.goto(`${panel.base}/panel/`);
    expect(new URL(page.url()).pathname).toBe('/panel/pairing.html');
    const codeOnScreen = page.getByTestId('pairing-code');
    await until(
      async () => /^[0-9A-Z]{4}-[0-9A-Z]{4}$/.test((await codeOnScreen.textContent()) ?? ''),
      'the code',
      15_000,
    );
    const code = (await codeOnScreen.textContent())!;
    // The QR is drawn by the panel and loads.
    await until(
      () =>
        page.locator('img.pairing-qr').evaluate((node) => {
          const img = node as unknown as { complete: boolean; naturalWidth: number };
          return img.complete && img.naturalWidth > 0;
        }),
      'the QR image',
      5000,
    );
    // Readable at the panel's resolutions, and no serious or critical accessibility violation.
    expect(await seriousViolations(page)).toEqual([]);
    mkdirSync(SHOTS, { recursive: true });
    for (const [width, height] of [
      [800, 480],
      [1024, 600],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: join(SHOTS, `pairing-${width}x${height}.png`), fullPage: true });
    }
    // Nothing of the hub is on the panel yet.
    expect((await api(panel.base, 'GET', '/api/v1/pairing')).body).toMatchObject({ state: 'waiting' });

    const claim = await world.operator('POST', PAIRING_CLAIM_PATH, {
      code,
      panelId: 'entrance-a',
      buildingId: 'b1',
      name: 'Entrance A',
      doors: [{ id: 'front-door', name: 'Front door', wired: 'relay-1' }],
    });
    expect(claim.status, JSON.stringify(claim.body)).toBe(201);
    installerPin = claim.body.installerPin;
    await world.operator('POST', '/api/v1/accessRules', {
      id: 'rule-anna',
      residentId: 'anna',
      doorId: 'front-door',
    });

    // The panel restarts paired (same process) and applies the config the hub published for it.
    await until(
      async () => {
        const p = (await world.operator('GET', '/api/v1/panels/entrance-a')).body;
        return p.online === true && p.config?.reportedVersion === p.config?.publishedVersion;
      },
      'the paired panel to apply its config',
      30_000,
    );
    const health = (await api(panel.base, 'GET', '/healthz')).body;
    expect(health).toMatchObject({ panelId: 'entrance-a', panelName: 'Entrance A' });
    expect((await api(panel.base, 'GET', '/api/v1/pairing')).body).toMatchObject({ state: 'paired' });
    expect(statSync(join(panel.dataDir, 'provisioned.yaml')).mode & 0o777).toBe(0o600);
    // The hub door is on the relay the claim named; the other wired door stays, unknown at the hub.
    const status = (await world.operator('GET', '/api/v1/panels/entrance-a')).body;
    expect(status.doors).toMatchObject({ missingOnPanel: [], unknownAtHub: ['relay-2'] });
    const tap = async () =>
      (await api(panel.base, 'POST', '/api/v1/sim/readers/reader-1/tap', { uid: UID })).body as {
        granted: boolean;
        doorIds?: string[];
      };
    await until(async () => (await tap()).granted, "Anna's card to be granted", 10_000);
    // The screen went from the pairing page to the visitor page by itself.
    await until(async () => new URL(page.url()).pathname === '/panel/', 'the visitor page', 10_000);
    await page.getByTestId('directory').waitFor({ state: 'attached' });
  }, 90_000);

  it('unpairs at a factory reset (installer PIN from the claim) and pairs again with reissue', async () => {
    const session = await api(panel.base, 'POST', '/api/v1/installer/session', { pin: installerPin });
    expect(session.status, JSON.stringify(session.body)).toBe(201);
    const auth = { authorization: `Bearer ${session.body.token}` };
    const reset = await api(
      panel.base,
      'POST',
      '/api/v1/installer/factory-reset',
      { confirm: 'erase' },
      auth,
    );
    expect(reset.status).toBe(202);
    const status = async () =>
      (await api(panel.base, 'GET', '/api/v1/pairing').catch(() => ({ body: {} }))).body;
    await until(async () => (await status()).state === 'waiting', 'a new code after the reset', 30_000);
    expect((await api(panel.base, 'GET', '/healthz')).body.panelId).toBe('unpaired');
    const code = (await status()).code as string;
    const again = await world.operator('POST', PAIRING_CLAIM_PATH, {
      code,
      panelId: 'entrance-a',
      buildingId: 'b1',
      doors: [{ id: 'front-door', wired: 'relay-1' }],
    });
    expect(again.status).toBe(409);
    const reissued = await world.operator('POST', PAIRING_CLAIM_PATH, {
      code,
      panelId: 'entrance-a',
      buildingId: 'b1',
      doors: [{ id: 'front-door', wired: 'relay-1' }],
      reissue: true,
    });
    expect(reissued.status, JSON.stringify(reissued.body)).toBe(201);
    await until(
      async () =>
        (await api(panel.base, 'GET', '/healthz').catch(() => ({ body: {} }))).body.panelId === 'entrance-a',
      'the panel paired again',
      30_000,
    );
    await until(
      async () =>
        (await api(panel.base, 'POST', '/api/v1/sim/readers/reader-1/tap', { uid: UID })).body.granted ===
        true,
      "Anna's card granted again",
      15_000,
    );
  }, 90_000);

  it('pairs through WebAdmin, where the QR leads a building administrator with the code filled in', async () => {
    const second = await world.unpairedPanel();
    const status = async () => (await api(second.base, 'GET', '/api/v1/pairing')).body;
    await until(async () => (await status()).state === 'waiting', 'a code on the second panel', 15_000);
    const code = (await status()).code as string;
    await world.operator('POST', '/api/v1/admin/accounts', {
      username: 'karin',
      displayName: 'Karin Lund',
      role: 'building_admin',
      password: 'correct horse battery staple',
      buildingIds: ['b1'],
    });
    const { page } = browser;
    await firstLogIn(page, `${world.hubBase}/admin/`, 'karin', 'correct horse battery staple');
    // What the panel's QR says (protocol/pairing.ts pairingLink), with the code as the panel shows it.
    await page.goto(`${world.hubBase}/admin/#/pair-panel?code=${code}`);
    const form = page.getByTestId('pair-form');
    expect(await form.getByTestId('code').inputValue()).toBe(code);
    await form.getByTestId('panelId').fill('entrance-b');
    await form.getByTestId('name').fill('Entrance B');
    await form.getByTestId('doors').fill('side-door=relay-2=Side door');
    await page.getByTestId('pair-submit').click();
    await page.getByTestId('pair-outcome').waitFor();
    expect(await page.getByTestId('pair-doors').textContent()).toContain('side-door');
    expect(await page.getByTestId('pair-installer-pin').textContent()).toMatch(/^\d{8}$/);
    await until(
      async () => {
        const p = (await world.operator('GET', '/api/v1/panels/entrance-b')).body;
        return p.online === true && p.config?.reportedVersion === p.config?.publishedVersion;
      },
      'the second panel to apply its config',
      30_000,
    );
    expect((await api(second.base, 'GET', '/healthz')).body).toMatchObject({ panelId: 'entrance-b' });
    // The change log names the building administrator.
    const changes = (await world.operator('GET', '/api/v1/admin/changes?limit=100')).body.changes as {
      action: string;
      entityId: string;
      actor: string;
    }[];
    expect(changes.find((c) => c.action === 'pair' && c.entityId === 'entrance-b')?.actor).toBe('karin');
  }, 90_000);
});
