/**
 * The resident web app in headless Chromium against a real hub and broker: log in, see and open doors
 * (the signed command reaches the panel), take calls from a fake panel over MQTT-over-WebSocket.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPublicKey, verifyCommand } from '../../../cloud-sync/protocol/signing.ts';
import { type Browser, launchChromium } from '../../../scripts/lab/chromium.ts';
import { until } from '../../../scripts/lab/until.ts';
import { appStatus, fromApp, logIn } from './app-page.ts';
import { PANEL, ring, SNAPSHOT, startWorld, type World } from './harness.ts';

describe('resident web app (Chromium)', () => {
  let world: World;
  let browser: Browser;
  let page: Page;
  let appDeviceId: string;

  beforeAll(async () => {
    world = await startWorld();
    browser = await launchChromium();
    page = browser.page;
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await world?.stop();
  });

  it('logs in and lists the doors by building and panel', async () => {
    await page.goto(world.appUrl);
    await page.getByTestId('login-resident').fill('alice');
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('Wrong resident id');

    await page.getByTestId('login-password').fill(world.residentPassword);
    await page.getByTestId('login-device').fill('Test phone');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('door-list').locator('[data-testid="door"]').first().waitFor();
    const groups = await page.getByTestId('door-group').locator('h3').allTextContents();
    expect(groups).toEqual(['Storgatan 12 · Entrance A']);
    const doors = page.getByTestId('door');
    expect(await doors.locator('.name').allTextContents()).toEqual(['Bike room', 'Front door']);
    // The bike room rule starts tomorrow: listed, not openable.
    expect(await page.locator('[data-door-id="bike-room"] [data-testid="door-open"]').isDisabled()).toBe(
      true,
    );

    const status = await until(async () => {
      const s = await appStatus(page);
      return s.mqttConnected && s;
    }, 'the app to connect to the broker');
    appDeviceId = status.appDeviceId!;
    expect(appDeviceId).toMatch(/^app-/);
    expect(world.hub.store.entities.get('appDevices', appDeviceId)).toMatchObject({
      residentId: 'alice',
      name: 'Test phone',
    });
    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('Ready for calls');
  });

  it('opens a door: the signed command reaches the panel and its result shows', async () => {
    await page.locator('[data-door-id="front-door"] [data-testid="door-open"]').click();
    const command = await until(
      () => world.received.find((m) => m.topic === `portvakt/v1/devices/${PANEL}/commands`),
      'the door.open command at the panel',
    );
    const verified = await verifyCommand(await importPublicKey(world.hub.publicKey), command.payload, {
      deviceId: PANEL,
      now: Date.now(),
    });
    if (!verified.ok) throw new Error(verified.detail);
    expect(verified.body.command).toMatchObject({
      type: 'door.open',
      doorId: 'front-door',
      onBehalfOf: { kind: 'resident', id: 'alice' },
    });
    await world.panel.publishAsync(
      `portvakt/v1/devices/${PANEL}/commands/result`,
      JSON.stringify({ protocol: 1, nonce: verified.body.nonce, status: 'done', at: Date.now() }),
      { qos: 1 },
    );
    const result = page.locator('[data-door-id="front-door"] [data-testid="door-result"]');
    await expect.poll(() => result.textContent()).toBe('Opened');
  });

  it('ignores invalid call messages without breaking', async () => {
    const before = (await appStatus(page)).messagesIgnored;
    await world.toApp(appDeviceId, '{not json');
    await world.toApp(appDeviceId, JSON.stringify({ ...ring('call-bad-0001'), ringtone: 'siren' }));
    await world.toApp(
      appDeviceId,
      JSON.stringify({ protocol: 1, type: 'stop', callId: 'call-none-0001', reason: 'timeout' }),
    );
    await until(async () => (await appStatus(page)).messagesIgnored >= before + 3, 'three ignored messages');
    expect((await appStatus(page)).screen).toBe('home');
    expect(browser.console.filter((l) => l.startsWith('pageerror'))).toEqual([]);
  });

  it('shows an incoming call with the ringtone and picture, and declines it on the from topic', async () => {
    await world.toApp(appDeviceId, ring('call-e2e-0001'));
    const screen = page.getByTestId('incoming-call');
    await screen.waitFor();
    expect(await page.getByTestId('call-title').textContent()).toBe('Andersson');
    expect(await page.getByTestId('ringtone-name').textContent()).toBe('Ringtone: Chime');
    expect(await page.getByTestId('remote-video').getAttribute('poster')).toBe(SNAPSHOT);
    const shown = await until(async () => (await appStatus(page)).call?.ringShownAt, 'the ring shown time');
    expect(shown).toBeGreaterThanOrEqual((await appStatus(page)).call!.ringReceivedAt);

    await page.getByTestId('decline').click();
    await until(() => fromApp(world, appDeviceId, 'decline', 'call-e2e-0001'), 'decline at the panel');
    expect(await page.getByTestId('call-ended-reason').textContent()).toBe('You declined the call');
    await page.getByTestId('call-back').click();
    await page.getByTestId('home').waitFor();
  });

  it('stops ringing when the call is answered on another device, saying so', async () => {
    await world.toApp(appDeviceId, ring('call-e2e-0002'));
    await page.getByTestId('incoming-call').waitFor();
    await world.toApp(appDeviceId, {
      protocol: 1,
      type: 'stop',
      callId: 'call-e2e-0002',
      reason: 'answered_elsewhere',
    });
    await expect
      .poll(() => page.getByTestId('call-ended-reason').textContent())
      .toBe('Answered on another device');
    expect((await appStatus(page)).call).toMatchObject({ callId: 'call-e2e-0002', state: 'ended' });
    await page.getByTestId('call-back').click();
  });

  it('shows the call log with the visitor pictures', async () => {
    const after = world.hub.store.events.position(PANEL);
    const at = Date.now();
    world.hub.store.events.storeInOrder(
      PANEL,
      after,
      [
        ['call.started', { callId: 'call-e2e-0001', bellId: 'bell-u1', type: 'family' }],
        ['call.ringing', { callId: 'call-e2e-0001', residentId: 'alice', devices: 1, snapshot: SNAPSHOT }],
        ['call.declined', { callId: 'call-e2e-0001', residentId: 'alice' }],
        ['call.ended', { callId: 'call-e2e-0001', bellId: 'bell-u1', outcome: 'declined' }],
      ].map(([type, data], i) => ({
        id: `ev-${after + i + 1}`,
        seq: after + i + 1,
        ts: at + i,
        type: type as string,
        doorId: null,
        readerId: null,
        data: data as Record<string, unknown>,
      })),
      Date.now(),
    );
    await page.reload();
    const entry = page.locator('[data-testid="call-entry"][data-call-id="call-e2e-0001"]');
    await entry.waitFor();
    expect(await entry.getAttribute('data-outcome')).toBe('declined');
    expect(await entry.getByTestId('call-snapshot').getAttribute('src')).toBe(SNAPSHOT);
    expect(await entry.textContent()).toContain('Andersson');
  });
  it('logs out and in again in the same browser on the same app device, publishing no config version', async () => {
    const version = world.hub.store.pendingPatches.currentVersion(PANEL);
    expect(version).toBeDefined();
    let token = (await page.evaluate(() => localStorage.getItem('portvakt.resident.session'))) ?? '';
    for (let i = 0; i < 3; i++) {
      await page.getByTestId('logout').click();
      await page.getByTestId('login-form').waitFor();
      // Logged out: the broker connection's credentials no longer pass the hub's auth backend.
      const old = JSON.parse(token) as { mqtt: { username: string; password: string } };
      expect(world.hub.residents.brokerLogin(old.mqtt.username, old.mqtt.password)).toBe(false);
      expect(await logIn(page, world)).toBe(appDeviceId);
      token = (await page.evaluate(() => localStorage.getItem('portvakt.resident.session'))) ?? '';
    }
    expect(world.hub.store.pendingPatches.currentVersion(PANEL)).toBe(version);
    expect(world.hub.store.entities.list('appDevices', { residentId: 'alice' })).toHaveLength(1);
  });
});
