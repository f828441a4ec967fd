/**
 * WebAdmin in headless Chromium against the real world: Mosquitto as shipped, the hub serving the freshly
 * built app at /admin/, and a provisioned panel process with simulator hardware. A building administrator
 * the operator created logs in with a TOTP code computed from the secret the page shows, creates a
 * resident, allocates a card by tapping it at the door in enrol mode, and the tap then opens the door;
 * removing the resident makes the next tap fail and takes the name off the panel's directory. Around it:
 * the strict CSP, a building administrator seeing only their building, and session expiry.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../../cloud-sync/hub/accounts/totp.ts';
import { ADMIN_APP_CSP } from '../../../cloud-sync/hub/api/static-files.ts';
import { buildAdminApp } from '../../../scripts/build-web.ts';
import { type Browser, launchChromium } from '../../../scripts/lab/chromium.ts';
import { freePort } from '../../../scripts/lab/free-port.ts';
import { until } from '../../../scripts/lab/until.ts';
import { api } from '../../support/http.ts';
import { adminApi } from '../../support/hub.ts';
import type { PanelProcess } from '../../support/panel-process.ts';
import { tempDir } from '../../support/temp-dir.ts';
import {
  BUILDING,
  type Lab,
  relay,
  startLab,
  startSyncPanel,
  tap,
  waitForConfigApplied,
} from '../sync/harness.ts';
import { firstLogIn, logIn, openScreen, residentRow } from './admin-page.ts';

const ADMIN = { username: 'anna.admin', password: 'correct horse battery', displayName: 'Anna Admin' };
const UID = '04A1B2C3D4E5F6';
const RESIDENT = 'Karin Lund';

describe('WebAdmin (Chromium, real hub, broker and panel)', () => {
  let lab: Lab;
  let panel: PanelProcess;
  let browser: Browser;
  let page: Page;
  let base: string;
  let recoveryCodes: string[] = [];
  let totpSecret = '';

  const admin = () => adminApi(lab.hub);
  const text = (testid: string) => page.getByTestId(testid).textContent();
  /** The panel's own page (the kiosk's), in a second tab: it follows the directory the panel pushes. */
  let panelPage: Page;
  const directoryNames = async (): Promise<string[]> =>
    panelPage.locator('[data-testid^="bell-"] .name').allTextContents();

  beforeAll(async () => {
    const adminWebDir = tempDir('portvakt-webadmin-');
    await buildAdminApp(adminWebDir);
    lab = await startLab({ panelIds: ['p1'], adminWebDir });
    base = `http://127.0.0.1:${lab.hub.apiAddress().port}`;
    // Another building with a resident: the administrator of BUILDING must never see it.
    await admin()('POST', '/api/v1/buildings', { id: 'b2', name: 'Hamngatan 3', timeZone: 'UTC' });
    await admin()('POST', '/api/v1/units', { id: 'b2-u1', buildingId: 'b2', name: '0101' });
    await admin()('POST', '/api/v1/residents', { id: 'b2-r1', unitId: 'b2-u1', name: 'Olle Other' });
    const created = await admin()('POST', '/api/v1/admin/accounts', {
      ...ADMIN,
      role: 'building_admin',
      buildingIds: [BUILDING],
    });
    expect(created.status).toBe(201);
    // The directory the panel page shows is the intercom's: a panel with its (simulated) video door phone.
    // A fixed port, as on a site: the kiosk tab keeps its address when the panel restarts below.
    const api = lab.panels['p1']!.config['api'] as Record<string, unknown>;
    api['port'] = await freePort();
    lab.panels['p1']!.config['intercom'] = {
      media: { camera: { driver: 'sim', audio: { driver: 'sim' } } },
      loopbackOnly: true,
    };
    panel = await startSyncPanel(lab.panels['p1']!);
    await waitForConfigApplied(lab.hub, 'p1');
    browser = await launchChromium();
    page = browser.page;
    panelPage = await browser.context.newPage();
    await panelPage.goto(`${panel.base}/panel/`);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await panel?.stop();
    await lab?.stop();
  });

  it('serves the app with a strict Content Security Policy', async () => {
    for (const file of ['', 'app.js', 'app.css']) {
      const res = await fetch(`${base}/admin/${file}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe(ADMIN_APP_CSP);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(ADMIN_APP_CSP).not.toContain('unsafe');
    expect(ADMIN_APP_CSP).toContain("connect-src 'self'");
    expect(ADMIN_APP_CSP).toContain("frame-ancestors 'none'");
    const bare = await fetch(`${base}/admin`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/admin/');
  });

  it('logs the administrator in with a TOTP code computed from the secret the page shows', async () => {
    ({ secret: totpSecret, recoveryCodes } = await firstLogIn(
      page,
      `${base}/admin/`,
      ADMIN.username,
      ADMIN.password,
    ));
    expect(totpSecret).toMatch(/^[A-Z2-7]{32}$/);
    expect(recoveryCodes).toHaveLength(10);
    expect(await text('who')).toContain(ADMIN.username);
    // No page error, and in particular no CSP violation (they are logged to the console).
    expect(browser.console.filter((l) => /error|violat/i.test(l))).toEqual([]);
  });

  it('shows a building administrator their building only, and no accounts screen', async () => {
    const options = await page.getByTestId('building-picker').locator('option').allTextContents();
    expect(options).toEqual(['Storgatan 12']);
    expect(await page.getByTestId('nav-accounts').count()).toBe(0);
    // A resident of the other building named in the URL is not shown (the hub answers 404 for it).
    await page.goto(`${base}/admin/#/cards?resident=b2-r1`);
    await page.locator('main[data-screen="cards"] .screen-body > *').first().waitFor();
    expect(await page.locator('main').textContent()).not.toContain('Olle Other');
  });

  it('creates a resident, allocates a card by tapping it at the door, and the tap is granted', async () => {
    await openScreen(page, 'residents');
    const unitForm = page.getByTestId('unit-create');
    await unitForm.getByTestId('name').fill('1101');
    await page.getByTestId('unit-create-submit').click();
    await expect.poll(() => page.getByTestId('units').textContent()).toContain('1101');

    await page.getByTestId('resident-new').click();
    const form = page.getByTestId('resident-form');
    // A bad phone number: the hub's message is shown beside the field it names, and nothing is created.
    await form.getByTestId('name').fill(RESIDENT);
    await form.getByTestId('phone').fill('0701234567');
    await page.getByTestId('resident-save').click();
    await expect.poll(() => form.locator('[data-field-error="phone"]').textContent()).toContain('E.164');
    expect(await form.getByTestId('phone').getAttribute('aria-invalid')).toBe('true');
    expect(lab.hub.store.entities.list('residents').some((r) => r.name === RESIDENT)).toBe(false);

    await form.getByTestId('phone').fill('+46701234567');
    await page.getByTestId('resident-save').click();
    await expect.poll(() => text('resident-result')).toContain(`Created ${RESIDENT}`);
    const resident = lab.hub.store.entities.list('residents').find((r) => r.name === RESIDENT)!;
    expect(resident).toMatchObject({ phone: '+46701234567', status: 'active' });
    // The door was ticked: the resident may open it at any time.
    expect(lab.hub.store.entities.list('accessRules', { residentId: resident.id })).toMatchObject([
      { doorId: lab.panels['p1']!.doorId, timeProfileId: null },
    ]);
    // Doorbells are another screen's: the operator gives the resident a bell on the panel here.
    await admin()('POST', '/api/v1/doorbells', {
      id: 'bell-karin',
      panelId: 'p1',
      residentId: resident.id,
      type: 'separate',
      displayText: RESIDENT,
    });
    await until(async () => (await directoryNames()).includes(RESIDENT), 'the name on the panel page');

    // The app login: its password is shown once, and it is the one the resident app logs in with.
    await residentRow(page, resident.id).getByTestId('resident-login').click();
    const password = await until(() => page.getByTestId('login-password').textContent(), 'the password');
    const appLogin = await api(base, 'POST', '/api/v1/resident/login', {
      residentId: resident.id,
      password,
      deviceName: 'Test phone',
    });
    expect(appLogin.status).toBe(201);

    await residentRow(page, resident.id).getByTestId('resident-cards').click();
    await page.getByTestId('card-allocate').waitFor();
    await page.getByTestId('enrol-start').click();
    await expect.poll(() => text('enrol-result')).toContain('Tap the card');
    // Armed once the panel has the command: until then a tap is decided as usual.
    await until(async () => {
      const reply = await tap(panel, UID);
      return reply.status === 409 && reply.body.error.code === 'tap_undecided';
    }, 'the tap taken for enrolment');
    await expect.poll(() => page.getByTestId('card-allocate').getByTestId('uid').inputValue()).toBe(UID);
    expect(await text('enrol-result')).toContain('Card read at');
    await page.getByTestId('card-allocate-submit').click();
    await expect.poll(() => text('card-result')).toContain(`Card ${UID} allocated to ${RESIDENT}`);
    expect(await text('card-result')).toMatch(/applied on p1/i);
    expect(await page.getByTestId('cards').textContent()).toContain(UID);

    expect((await tap(panel, UID)).body).toMatchObject({ granted: true });
  }, 60_000);

  it('blocks and unblocks the card, each in force on the panel when the page says so', async () => {
    await page.getByTestId('card-block').click();
    await expect.poll(() => text('card-result')).toContain(`Card ${UID} is blocked`);
    expect(await text('card-result')).toMatch(/applied on p1/i);
    expect((await tap(panel, UID)).body).toMatchObject({ granted: false, reason: 'card_blocked' });
    await page.getByTestId('card-unblock').click();
    await expect.poll(() => text('card-result')).toContain(`Card ${UID} is active again`);
    expect((await tap(panel, UID)).body).toMatchObject({ granted: true });
  });

  it('shows the panel live and opens its door remotely, with what the panel answered', async () => {
    await openScreen(page, 'panels');
    const card = page.locator('[data-panel-id="p1"]');
    expect(await card.getByTestId('panel-online').textContent()).toBe('online');
    expect(await card.getByTestId('config-sync').textContent()).toBe('in sync');
    expect(await card.getByTestId('panel-alarms').textContent()).toBe('none');
    const doorId = lab.panels['p1']!.doorId;
    // The last granted tap's pulse (1 s) ends first, so the open is a pulse of its own.
    const before = await until(async () => {
      const r = await relay(panel, doorId);
      return !r.energized && { count: r.energizeCount };
    }, 'the door locked again');
    await card.locator(`[data-door-id="${doorId}"]`).click();
    await expect.poll(() => card.getByTestId('door-outcome').textContent()).toContain('Opened');
    expect((await relay(panel, doorId)).energizeCount).toBe(before.count + 1);

    // The status is read again every few seconds: a panel that goes away shows offline by itself.
    await panel.stop();
    await expect
      .poll(() => card.getByTestId('panel-online').textContent(), { timeout: 15_000 })
      .toBe('offline');
    panel = await startSyncPanel(lab.panels['p1']!);
    await expect
      .poll(() => card.getByTestId('panel-online').textContent(), { timeout: 15_000 })
      .toBe('online');
    await waitForConfigApplied(lab.hub, 'p1');
    // The kiosk tab, left open through the restart, follows the panel's directory again.
    await until(async () => (await directoryNames()).includes(RESIDENT), 'the name on the panel page');
  }, 60_000);

  it('moves the resident to another unit', async () => {
    const resident = lab.hub.store.entities.list('residents').find((r) => r.name === RESIDENT)!;
    await openScreen(page, 'residents');
    await page.getByTestId('unit-create').getByTestId('name').fill('1102');
    await page.getByTestId('unit-create-submit').click();
    await expect.poll(() => page.getByTestId('units').textContent()).toContain('1102');
    await residentRow(page, resident.id).getByTestId('resident-edit').click();
    const form = page.getByTestId('resident-form');
    await form.getByTestId('unitId').selectOption({ label: '1102' });
    await page.getByTestId('resident-save').click();
    await expect.poll(() => text('resident-result')).toContain(`Saved ${RESIDENT}`);
    const unit = lab.hub.store.entities.list('units').find((u) => u.name === '1102')!;
    expect(lab.hub.store.entities.get('residents', resident.id).unitId).toBe(unit.id);
  });

  it('removes the resident: the next tap is denied and the name leaves the panel page within a second', async () => {
    const resident = lab.hub.store.entities.list('residents').find((r) => r.name === RESIDENT)!;
    await openScreen(page, 'residents');
    const row = residentRow(page, resident.id);
    await row.getByTestId('resident-remove').click();
    await row.getByTestId('resident-remove-confirm').click();
    await expect.poll(() => text('resident-result')).toContain(`${RESIDENT} is removed from the building`);
    expect(await text('resident-result')).toMatch(/applied on p1/i);
    // Denied at once: by the removed resident, or (once the panel's config is recompiled without the
    // removed resident's cards) as a card the panel no longer knows.
    const denied = (await tap(panel, UID)).body;
    expect(denied).toMatchObject({ granted: false });
    expect(denied.reason).toMatch(/^(resident_removed|unknown_card)$/);
    // The bound, from WebAdmin's answer: the panel pushes its directory to the page once applied.
    await until(
      async () => !(await directoryNames()).includes(RESIDENT),
      'the name off the panel page',
      1000,
    );
    expect(await residentRow(page, resident.id).getByTestId('resident-reinstate').count()).toBe(1);
  }, 30_000);

  it('lists the changes with who made them', async () => {
    await openScreen(page, 'changes');
    const log = (await page.getByTestId('changes').textContent()) ?? '';
    expect(log).toContain(ADMIN.username);
    expect(log).toContain('residents');
    expect(log).not.toContain('b2-r1');
    // Every screen so far ran under the CSP without a violation or a script error.
    expect(browser.console.filter((l) => /content security policy|violat|pageerror/i.test(l))).toEqual([]);
  });

  it('sends an ended session back to the login with a message; a recovery code logs in', async () => {
    // The operator sets a new password: every session of the account ends at once.
    const [account] = (await admin()('GET', '/api/v1/admin/accounts')).body.accounts;
    const password = 'another long passphrase';
    await admin()('PATCH', `/api/v1/admin/accounts/${account.id}`, { password });
    await page.getByTestId('nav-panels').click();
    await expect.poll(() => text('login-message')).toContain('session has ended');

    // A used TOTP step cannot log in twice, so the phone-less way: one of the recovery codes.
    await logIn(page, `${base}/admin/`, ADMIN.username, password, recoveryCodes[0]!);
    expect(await text('banner')).toContain('9 left');
    // The same recovery code is spent.
    await page.getByTestId('logout').click();
    await page.getByTestId('login-form').getByTestId('username').fill(ADMIN.username);
    await page.getByTestId('login-form').getByTestId('password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('code-form').getByTestId('code').fill(recoveryCodes[0]!);
    await page.getByTestId('code-submit').click();
    await expect.poll(() => text('code-error')).toContain('wrong or already used code');
    // A code from the app still works (the next step: the first one was used at enrolment).
    await page
      .getByTestId('code-form')
      .getByTestId('code')
      .fill(totpCode(totpSecret, Date.now() + 30_000));
    await page.getByTestId('code-submit').click();
    await page.getByTestId('who').waitFor();
  }, 30_000);
});
