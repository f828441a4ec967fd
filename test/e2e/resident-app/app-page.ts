/** Driving the resident app's page: logging in, reading `window.portvaktApp`, waiting for conditions. */
import type { Page } from 'playwright-core';
import { until } from '../../../scripts/lab/until.ts';
import type { World } from './harness.ts';

/** What the tests read from window.portvaktApp (the app's read-only status). */
export interface AppStatus {
  screen: string;
  appDeviceId: string | null;
  mqttConnected: boolean;
  messagesIgnored: number;
  ringtonePreview: string | null;
  call: {
    callId: string;
    state: string;
    ringReceivedAt: number;
    ringShownAt: number | null;
    answerSentAt: number | null;
    firstFrameAt: number | null;
    framesRendered: number;
    framesDecoded: number;
    audioBytesReceived: number;
    audioBytesSent: number;
    micAttached: boolean;
    muted: boolean;
    video: boolean;
    lastDoor: { doorId: string; result: string } | null;
  } | null;
}

export const appStatus = (page: Page): Promise<AppStatus> =>
  page.evaluate(() => (globalThis as unknown as { portvaktApp: AppStatus }).portvaktApp);

/** Logs alice in through the form; resolves with her app device id once it is connected for calls. */
export async function logIn(page: Page, world: World, deviceName = 'Test phone'): Promise<string> {
  await page.goto(world.appUrl);
  await page.getByTestId('login-resident').fill('alice');
  await page.getByTestId('login-password').fill(world.residentPassword);
  await page.getByTestId('login-device').fill(deviceName);
  await page.getByTestId('login-submit').click();
  const status = await until(async () => {
    const s = await appStatus(page);
    return s.mqttConnected && s;
  }, 'the app to connect to the broker');
  return status.appDeviceId!;
}

/** The messages the app device sent to the panel on its `from` topic, of one type and call. */
export function fromApp(world: World, appDeviceId: string, type: string, callId: string) {
  return world.received.find(
    (m) =>
      m.topic.endsWith(`/calls/from/${appDeviceId}`) &&
      m.payload['type'] === type &&
      m.payload['callId'] === callId,
  );
}
