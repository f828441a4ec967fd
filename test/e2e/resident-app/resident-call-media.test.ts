/**
 * A call with media: the fake panel offers GStreamer video and audio through werift right after `ring`
 * (early media). The app shows the video while it rings and sends no microphone audio until the
 * resident accepts; then audio flows, and the in-call controls send their messages.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchChromium } from '../../../scripts/lab/chromium.ts';
import { until } from '../../../scripts/lab/until.ts';
import { appStatus, fromApp, logIn } from './app-page.ts';
import { FakeMediaPanel } from './fake-media-panel.ts';
import { ring, startWorld, type World } from './harness.ts';

const CALL = 'call-media-0001';

describe('resident web app: call media (Chromium, werift, GStreamer)', () => {
  let world: World;
  let browser: Browser;
  let page: Page;
  let media: FakeMediaPanel;
  let appDeviceId: string;

  beforeAll(async () => {
    world = await startWorld();
    browser = await launchChromium();
    page = browser.page;
    media = new FakeMediaPanel();
    await media.start();
    appDeviceId = await logIn(page, world);
  }, 60_000);
  afterAll(async () => {
    await media?.stop();
    await browser?.close();
    await world?.stop();
  });

  const sent = (type: string) =>
    until(() => fromApp(world, appDeviceId, type, CALL), `"${type}" at the panel`);

  it('shows the visitor while ringing, without sending the microphone', async () => {
    await world.toApp(appDeviceId, ring(CALL));
    await world.toApp(appDeviceId, { protocol: 1, type: 'offer', callId: CALL, sdp: await media.offer() });
    const answer = await sent('answer');
    await media.answer(String(answer.payload['sdp']));
    const call = await until(async () => {
      const c = (await appStatus(page)).call;
      return c && c.framesDecoded > 5 && c.framesRendered > 5 && c.audioBytesReceived > 0 && c;
    }, 'video frames and audio from the panel');
    expect(call.state).toBe('ringing');
    expect(call.firstFrameAt).toBeGreaterThan(call.ringReceivedAt);
    expect(
      await page.getByTestId('remote-video').evaluate((v) => (v as unknown as { muted: boolean }).muted),
    ).toBe(true);
    // Let a second pass: still no audio from the app.
    await new Promise((r) => setTimeout(r, 500));
    expect(media.audioPacketsFromApp).toBe(0);
  });

  it('sends the microphone once accepted, and the in-call controls work', async () => {
    await page.getByTestId('accept-video').click();
    expect((await sent('accept')).payload['video']).toBe(true);
    await until(() => media.audioPacketsFromApp > 10, 'microphone audio at the panel');
    await world.toApp(appDeviceId, { protocol: 1, type: 'connected', callId: CALL, sentAt: Date.now() });
    await expect.poll(() => page.getByTestId('call-state').textContent()).toBe('Connected');
    expect(
      await page.getByTestId('remote-video').evaluate((v) => (v as unknown as { muted: boolean }).muted),
    ).toBe(false);

    await page.getByTestId('mute').click();
    await until(async () => (await appStatus(page)).call?.muted, 'muted');
    expect(await page.getByTestId('mute').getAttribute('aria-pressed')).toBe('true');

    await page.getByTestId('video-toggle').click();
    expect((await sent('video')).payload['enabled']).toBe(false);
    expect(await page.getByTestId('remote-video').isHidden()).toBe(true);

    await page.getByTestId('open-door').click();
    await sent('open');
    await world.toApp(appDeviceId, {
      protocol: 1,
      type: 'door',
      callId: CALL,
      doorId: 'front-door',
      result: 'opened',
    });
    await expect.poll(() => page.getByTestId('call-notice').textContent()).toBe('Door opened');

    await page.getByTestId('hangup').click();
    await sent('hangup');
    expect(await page.getByTestId('call-ended-reason').textContent()).toBe('You hung up');
  });
});
