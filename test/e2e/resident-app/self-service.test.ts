/**
 * Resident self-service in headless Chromium against a real hub and broker: each flow of the settings
 * screen (profile, doorbell text, hiding, ringtone with preview, picture, own cards, own devices), and each
 * change checked where a panel sees it — the snapshot the hub compiles for the panel.
 */

import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PICTURE_UPLOAD_MAX_BYTES } from '../../../cloud-sync/protocol/resident-self-service.ts';
import { type Browser, launchChromium } from '../../../scripts/lab/chromium.ts';
import { until } from '../../../scripts/lab/until.ts';
import { appStatus, logIn } from './app-page.ts';
import { PANEL, startWorld, type World } from './harness.ts';

type Row = Record<string, unknown>;

describe('resident self-service (Chromium)', () => {
  let world: World;
  let browser: Browser;
  let page: Page;

  /** A list of the panel's snapshot as the hub compiles it now. */
  const onPanel = (list: string): Row[] => (world.hub.store.snapshots.rows(PANEL)?.[list] ?? []) as Row[];
  const alice = () => onPanel('residents').find((r) => r['id'] === 'alice') ?? {};
  const text = (testid: string) => page.getByTestId(testid).textContent();
  const openSettings = async () => {
    if ((await appStatus(page)).screen === 'settings') await page.getByTestId('settings-back').click();
    await page.getByTestId('open-settings').click();
    await page.getByTestId('settings').waitFor();
    await page.locator('[data-testid="card"]').first().waitFor();
  };

  beforeAll(async () => {
    world = await startWorld();
    world.hub.store.entities.create('doorbells', {
      id: 'bell-alice',
      panelId: PANEL,
      residentId: 'alice',
      type: 'separate',
      displayText: 'Alice Andersson',
    });
    world.hub.store.entities.create('cards', { id: 'card-alice', uid: '04A1B2C3', residentId: 'alice' });
    browser = await launchChromium();
    page = browser.page;
    await logIn(page, world);
    await openSettings();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await world?.stop();
  });

  it('edits the profile; a bad phone number is refused with its message', async () => {
    await page.getByTestId('profile-name').fill('Alice Ek');
    await page.getByTestId('profile-phone').fill('0701234567');
    await page.getByTestId('profile-save').click();
    await expect.poll(() => text('profile-result')).toContain('E.164');
    expect(alice()['name']).toBe('Alice Andersson');

    await page.getByTestId('profile-phone').fill('+46701234567');
    await page.getByTestId('profile-email').fill('alice@example.com');
    await page.getByTestId('profile-save').click();
    await expect.poll(() => text('profile-result')).toBe('Saved.');
    expect(alice()).toMatchObject({ name: 'Alice Ek', phone: '+46701234567' });
    expect(world.hub.store.entities.get('residents', 'alice').email).toBe('alice@example.com');
  });

  it('sets the text of the bell on the panel', async () => {
    const bell = page.locator('[data-bell-id="bell-alice"]');
    await bell.getByTestId('bell-text').fill('A. Ek');
    await bell.getByTestId('bell-save').click();
    await expect.poll(() => text('doorbell-result')).toBe('Saved for Entrance A.');
    expect(onPanel('bells').find((b) => b['id'] === 'bell-alice')?.['displayText']).toBe('A. Ek');
    expect(await text('unit-bell')).toContain('Andersson');
  });

  it('previews and sets the ringtone, hides now and on a weekly schedule', async () => {
    await page.getByTestId('ringtone').selectOption('bell');
    await page.getByTestId('ringtone-preview').click();
    expect((await appStatus(page)).ringtonePreview).toBe('bell');
    await page.getByTestId('hide-now').check();
    await page.getByTestId('doorbell-save').click();
    await expect.poll(() => text('doorbell-result')).toBe('Saved.');
    expect(alice()).toMatchObject({ ringtone: 'bell', hidden: true });

    await page.getByTestId('hide-day-0').check();
    await page.getByTestId('hide-from').fill('22:00');
    await page.getByTestId('hide-to').fill('07:00');
    await page.getByTestId('hide-weekly-set').click();
    await expect.poll(() => text('hide-weekly')).toBe('Hidden Mon 22:00–24:00, Tue 00:00–07:00.');
    expect(alice()['hiddenProfileId']).toBe('hide-alice');
    expect(onPanel('timeProfiles').find((p) => p['id'] === 'hide-alice')?.['intervals']).toEqual([
      { weekday: 0, startMinute: 1320, endMinute: 1440 },
      { weekday: 1, startMinute: 0, endMinute: 420 },
    ]);
    // Hide until a time an hour and a half from now (typed in the phone's own time zone).
    const later = await page.evaluate(() => {
      const at = Date.now() + 90 * 60_000;
      return new Date(at - new Date(at).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    });
    await page.getByTestId('hide-until').fill(later);
    await page.getByTestId('doorbell-save').click();
    const hiddenUntil = await until(
      () => alice()['hiddenUntil'] as number | null,
      'hidden until on the panel',
    );
    expect(hiddenUntil - Date.now()).toBeGreaterThan(80 * 60_000);
    expect(hiddenUntil - Date.now()).toBeLessThan(100 * 60_000);
    await page.getByTestId('hide-weekly-clear').click();
    await expect.poll(() => text('hide-weekly')).toBe('No weekly schedule.');
    await page.getByTestId('hide-until').fill('');
    await page.getByTestId('hide-now').uncheck();
    await page.getByTestId('doorbell-save').click();
    await until(
      () =>
        alice()['hidden'] === false && alice()['hiddenProfileId'] === null && alice()['hiddenUntil'] === null,
      'alice shown again',
    );
  });

  it('uploads a picture only where the building allows, refusing an SVG with its message', async () => {
    expect(await text('picture-note')).toContain('does not show pictures');
    world.hub.store.entities.update('buildings', 'b1', { picturesAllowed: true });
    await openSettings();
    await expect.poll(() => text('picture-note')).toContain('Shown next to your name');
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    await page
      .getByTestId('picture-file')
      .setInputFiles({ name: 'me.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(svg) });
    await expect.poll(() => text('picture-result')).toContain('not a JPEG, PNG or WebP picture');
    const jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3366cc' } })
      .jpeg()
      .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '59/1 19/1 4/1' } })
      .toBuffer();
    await page
      .getByTestId('picture-file')
      .setInputFiles({ name: 'me.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await expect.poll(() => text('picture-result')).toBe('Picture saved.');
    const picture = alice()['picture'] as string;
    expect(picture).toMatch(/^data:image\/jpeg;base64,/);
    expect(await page.getByTestId('picture-img').getAttribute('src')).toBe(picture);
    await page.getByTestId('picture-remove').click();
    await expect.poll(() => text('picture-result')).toBe('Picture removed.');
    expect(alice()['picture']).toBeNull();
  });

  it('scales a phone-sized photo down before upload; a large file it cannot decode is refused', async () => {
    const [w, h] = [4000, 3000];
    const pixels = Buffer.alloc(w * h * 3);
    for (let i = 0; i < pixels.length; i++) {
      const px = Math.floor(i / 3);
      pixels[i] = ((px % w) * 255) / w + (Math.floor(px / w) * 255) / h + (i % 3) * 40;
    }
    const photo = await sharp(pixels, { raw: { width: w, height: h, channels: 3 } })
      .jpeg({ quality: 100 })
      .toBuffer();
    expect(photo.length).toBeGreaterThan(PICTURE_UPLOAD_MAX_BYTES);
    await page
      .getByTestId('picture-file')
      .setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: photo });
    await expect.poll(() => text('picture-result')).toBe('Picture saved.');
    const stored = alice()['picture'] as string;
    const meta = await sharp(Buffer.from(stored.slice(stored.indexOf(',') + 1), 'base64')).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 320, height: 240 });

    const junk = Buffer.alloc(PICTURE_UPLOAD_MAX_BYTES + 40 * 1024, 'not a picture ');
    await page
      .getByTestId('picture-file')
      .setInputFiles({ name: 'big.jpg', mimeType: 'image/jpeg', buffer: junk });
    await expect
      .poll(() => text('picture-result'))
      .toBe('picture refused: the file is 200 KiB, at most 160 KiB are accepted');
    expect(alice()['picture']).toBe(stored);
  });

  it('blocks and unblocks a lost card, and adds one where the building allows it', async () => {
    const card = page.locator('[data-card-id="card-alice"]');
    expect(await page.getByTestId('card-add-form').isHidden()).toBe(true);
    await card.getByTestId('card-toggle').click();
    await expect.poll(() => card.getAttribute('data-status')).toBe('blocked');
    expect(onPanel('cards').find((c) => c['id'] === 'card-alice')?.['status']).toBe('blocked');
    await card.getByTestId('card-toggle').click();
    await expect.poll(() => card.getAttribute('data-status')).toBe('active');
    expect(onPanel('cards').find((c) => c['id'] === 'card-alice')?.['status']).toBe('active');

    world.hub.store.entities.update('buildings', 'b1', { residentsMayAddCards: true });
    await openSettings();
    await page.getByTestId('card-add-form').waitFor();
    await page.getByTestId('card-uid').fill('not hex');
    await page.getByTestId('card-add').click();
    await expect.poll(() => text('cards-result')).toContain('4, 7 or 10 bytes of hex');
    await page.getByTestId('card-uid').fill('04:5e:6f:70');
    await page.getByTestId('card-add').click();
    // The fake panel reports no config: the app says where the card is not in force yet.
    await expect
      .poll(() => text('cards-result'))
      .toBe(
        'Card added: in force on 0 panel(s); not yet on Entrance A (offline) — it applies when they are back.',
      );
    await expect.poll(() => page.getByTestId('card').count()).toBe(2);
    expect(onPanel('cards').some((c) => c['uid'] === '045E6F70' && c['residentId'] === 'alice')).toBe(true);
  });

  it('logs out another of its devices: it leaves the list, its session and the panel directory', async () => {
    const res = await fetch(`${world.appUrl.replace('/app/', '')}/api/v1/resident/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        residentId: 'alice',
        password: world.residentPassword,
        deviceName: 'Old phone',
      }),
    });
    const other = (await res.json()) as { appDeviceId: string; token: string };
    expect(onPanel('appDevices').some((d) => d['id'] === other.appDeviceId)).toBe(true);
    await openSettings();
    const item = page.locator(`[data-device-id="${other.appDeviceId}"]`);
    await item.waitFor();
    await item.getByTestId('device-logout').click();
    await expect.poll(() => text('devices-result')).toBe('Old phone is logged out.');
    await expect.poll(() => item.count()).toBe(0);
    expect(onPanel('appDevices').some((d) => d['id'] === other.appDeviceId)).toBe(false);
    const me = await fetch(`${world.appUrl.replace('/app/', '')}/api/v1/resident/me`, {
      headers: { authorization: `Bearer ${other.token}` },
    });
    expect(me.status).toBe(401);
    // This device is still logged in and listed as itself.
    expect(await page.getByTestId('device').count()).toBe(1);
    expect(await text('device')).toContain('(this device)');
    expect(browser.console.filter((l) => l.startsWith('pageerror'))).toEqual([]);
  });
});
