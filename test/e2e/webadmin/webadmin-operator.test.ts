/**
 * The hub operator's screens of WebAdmin in headless Chromium (a hub on the in-process test broker: no
 * panel is involved): creating a building with its policies and changing them, and managing
 * administrator accounts — create with buildings, disable and enable, reset a lost second factor. Each
 * refusal shows the hub's own message beside the field it names.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../../cloud-sync/hub/accounts/totp.ts';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { buildAdminApp } from '../../../scripts/build-web.ts';
import { type Browser, launchChromium } from '../../../scripts/lab/chromium.ts';
import { type Broker, startBroker } from '../../cloud-sync/hub/hub-harness.ts';
import { adminApi, startTestHub } from '../../support/hub.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { firstLogIn, openScreen } from './admin-page.ts';

const OPERATOR = { username: 'olof.operator', password: 'operator passphrase 1', displayName: 'Olof' };
const ADMIN_PASSWORD = 'building admin passphrase';

describe('WebAdmin for the hub operator (Chromium)', () => {
  let broker: Broker;
  let hub: Hub;
  let browser: Browser;
  let page: Page;
  let base: string;

  const text = (testid: string) => page.getByTestId(testid).textContent();
  const account = (username: string) => hub.store.adminAccounts.list().find((a) => a.username === username);

  beforeAll(async () => {
    const adminWebDir = tempDir('portvakt-webadmin-');
    await buildAdminApp(adminWebDir);
    broker = await startBroker();
    hub = await startTestHub({ brokerUrl: broker.url, protocolVersion: 4, adminWebDir });
    base = `http://127.0.0.1:${hub.apiAddress().port}`;
    await adminApi(hub)('POST', '/api/v1/admin/accounts', { ...OPERATOR, role: 'operator' });
    browser = await launchChromium();
    page = browser.page;
    await firstLogIn(page, `${base}/admin/`, OPERATOR.username, OPERATOR.password);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await broker?.close();
  });

  it('creates a building (a bad time zone refused by the hub, at its field) and sets its policies', async () => {
    expect(await text('screen')).toContain('No building yet');
    await openScreen(page, 'buildings');
    const form = page.getByTestId('building-create');
    await form.getByTestId('id').fill('storgatan-12');
    await form.getByTestId('name').fill('Storgatan 12');
    await form.getByTestId('timeZone').fill('Mars/Olympus');
    await form.getByTestId('picturesAllowed').check();
    await page.getByTestId('building-create-submit').click();
    await expect
      .poll(() => form.locator('[data-field-error="timeZone"]').textContent())
      .toContain('IANA time zone');
    expect(hub.store.entities.list('buildings')).toEqual([]);

    await form.getByTestId('timeZone').fill('Europe/Stockholm');
    await page.getByTestId('building-create-submit').click();
    await expect
      .poll(() => page.getByTestId('building-picker').locator('option').allTextContents())
      .toEqual(['Storgatan 12']);
    expect(hub.store.entities.get('buildings', 'storgatan-12')).toMatchObject({
      timeZone: 'Europe/Stockholm',
      picturesAllowed: true,
      residentsMayAddCards: false,
    });

    const edit = page.getByTestId('building-edit');
    await edit.getByTestId('residentsMayAddCards').check();
    await edit.getByTestId('picturesAllowed').uncheck();
    // The phone fallback: what a resident hears on answer, and the digits that open.
    await edit.getByTestId('phonePrompt').fill('Visitor at Storgatan 12. Press 5 to open.');
    await edit.getByTestId('phoneOpenDigits').fill('5');
    // The language the building's panels start in (English until set).
    expect(await edit.getByTestId('language').inputValue()).toBe('en');
    await edit.getByTestId('language').selectOption('nb');
    await page.getByTestId('building-save').click();
    await expect
      .poll(() => hub.store.entities.get('buildings', 'storgatan-12').residentsMayAddCards)
      .toBe(true);
    expect(hub.store.entities.get('buildings', 'storgatan-12')).toMatchObject({
      picturesAllowed: false,
      phonePrompt: 'Visitor at Storgatan 12. Press 5 to open.',
      phoneOpenDigits: '5',
      language: 'nb',
    });
    await expect.poll(() => text('building-language')).toBe('Norsk bokmål');
  });

  it("numbers the building's units; a number another unit has is refused at its field", async () => {
    await openScreen(page, 'residents');
    const create = page.getByTestId('unit-create');
    const units = () => hub.store.entities.list('units', { buildingId: 'storgatan-12' });
    for (const [name, number] of [
      ['Flat 1101', '1101'],
      ['Flat 1102', ''],
    ] as const) {
      await create.getByTestId('name').fill(name);
      await create.getByTestId('number').fill(number);
      await page.getByTestId('unit-create-submit').click();
      await expect.poll(() => page.getByTestId('units').textContent()).toContain(name);
    }
    expect(units().map((u) => [u.name, u.number])).toEqual(
      expect.arrayContaining([
        ['Flat 1101', '1101'],
        ['Flat 1102', null],
      ]),
    );
    const second = units().find((u) => u.name === 'Flat 1102')!;
    await page.locator(`[data-testid="unit-edit-open"][data-unit-id="${second.id}"]`).click();
    const edit = page.getByTestId('unit-edit');
    await edit.getByTestId('number').fill('1101');
    await page.getByTestId('unit-save').click();
    await expect
      .poll(() => edit.locator('[data-field-error="number"]').textContent())
      .toContain('already has number "1101"');
    expect(hub.store.entities.get('units', second.id).number).toBeNull();
    await edit.getByTestId('number').fill('1102');
    await page.getByTestId('unit-save').click();
    await expect.poll(() => hub.store.entities.get('units', second.id).number).toBe('1102');
    await expect.poll(() => page.getByTestId('units').textContent()).toContain('1102');
  });

  it('creates an administrator for the building; a short password is refused at its field', async () => {
    await openScreen(page, 'accounts');
    const form = page.getByTestId('account-create');
    await form.getByTestId('username').fill('bea.admin');
    await form.getByTestId('displayName').fill('Bea Admin');
    // Under the browser's own minlength: the hub's answer is what the test wants to see.
    await form.getByTestId('password').evaluate((el) => el.removeAttribute('minlength'));
    await form.getByTestId('password').fill('too short');
    await page.getByTestId('account-create-submit').click();
    await expect
      .poll(() => form.locator('[data-field-error="password"]').textContent())
      .toContain('at least 12 characters');
    expect(account('bea.admin')).toBeUndefined();

    await form.getByTestId('password').fill(ADMIN_PASSWORD);
    await page.getByTestId('account-create-submit').click();
    await expect.poll(() => text('account-result')).toBe('Account bea.admin created.');
    expect(account('bea.admin')).toMatchObject({
      role: 'building_admin',
      buildingIds: ['storgatan-12'],
      totpEnrolled: false,
      disabled: false,
    });
  });

  it('disables and enables an account, and resets a lost second factor', async () => {
    const row = () => page.locator(`[data-account-id="${account('bea.admin')!.id}"]`);
    const login = () =>
      fetch(`${base}/api/v1/admin/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'bea.admin', password: ADMIN_PASSWORD }),
      });
    await row().getByTestId('account-toggle').click();
    await expect.poll(() => account('bea.admin')?.disabled).toBe(true);
    expect((await login()).status).toBe(401);
    await row().getByTestId('account-toggle').click();
    await expect.poll(() => account('bea.admin')?.disabled).toBe(false);

    // Bea enrols her phone (as the login page would), then loses it.
    const first = (await (await login()).json()) as { loginToken: string; secret: string };
    await fetch(`${base}/api/v1/admin/login/second-factor`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ loginToken: first.loginToken, code: totpCode(first.secret, Date.now()) }),
    });
    expect(account('bea.admin')?.totpEnrolled).toBe(true);
    // The screen shows what it read: away and back reads the accounts again.
    await openScreen(page, 'buildings');
    await openScreen(page, 'accounts');
    await row().getByTestId('account-reset-totp').click();
    await expect.poll(() => text('account-result')).toContain('second factor is reset');
    expect(account('bea.admin')?.totpEnrolled).toBe(false);
    expect(((await (await login()).json()) as { next: string }).next).toBe('enrol_totp');
  });

  it('logs an unattended console out after 30 minutes without input', async () => {
    // The page's timers and Date on a fake clock; a reload keeps the session (sessionStorage).
    await page.clock.install();
    await page.reload();
    await page.getByTestId('who').waitFor();
    await page.clock.fastForward('29:00');
    await page.getByTestId('nav-buildings').click();
    await page.clock.fastForward('29:00');
    expect(await page.getByTestId('who').count()).toBe(1);
    await page.clock.fastForward('02:00');
    await expect.poll(() => text('login-message')).toContain('30 minutes without activity');
  });
});
