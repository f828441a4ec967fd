/**
 * The microphone before answer (issue 11), end to end as `npm start` runs it: the real panel (sim camera
 * and microphone, werift in its media process) rings a parallel bell on three app devices, each the
 * resident web app in headless Chromium. While they ring, every device sees the visitor but receives not
 * one RTP packet of the entrance's microphone; once one device answers, that device alone hears it, and
 * the devices stopped with "answered elsewhere" never do. Counted by Chromium's own WebRTC stats
 * (inbound-rtp audio packetsReceived) and by the panel's media figures.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromiumBrowser } from '../../../scripts/lab/chromium.ts';
import { until } from '../../../scripts/lab/until.ts';
import {
  appCall,
  hangUpPanel,
  logInApp,
  panelJson,
  residentPassword,
  ringUntilRung,
  type Simulator,
  startSimulator,
} from '../../../scripts/sim/simulator.ts';

/** Chromium's inbound RTP over every peer connection the page made (the app makes one per call). */
interface Inbound {
  audioPackets: number;
  audioBytes: number;
  framesDecoded: number;
}

interface PanelMedia {
  ingress: { audioPackets: number };
  talker: string | null;
  peers: { peerId: string; videoPacketsSent: number; audioPacketsSent: number }[];
}

/**
 * Installed before the app loads (a test hook in the page only; the app is unchanged): keeps every
 * RTCPeerConnection the app makes and, every 100 ms and once more just before the app closes one, adds
 * up its inbound RTP. A stopped device closes its connection, and what it received until then must
 * still count. Plain JavaScript text, so that no transpiler helper ends up in the page.
 */
const RECORD_INBOUND_RTP = `(() => {
  const Native = globalThis.RTCPeerConnection;
  const latest = new Map();
  const read = async (pc) => {
    const totals = { audioPackets: 0, audioBytes: 0, framesDecoded: 0 };
    (await pc.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      if (s.kind === 'audio') {
        totals.audioPackets += Number(s.packetsReceived ?? 0);
        totals.audioBytes += Number(s.bytesReceived ?? 0);
      } else if (s.kind === 'video') totals.framesDecoded += Number(s.framesDecoded ?? 0);
    });
    latest.set(pc, totals);
  };
  const timers = new Map();
  globalThis.RTCPeerConnection = class extends Native {
    constructor(config) {
      super(config);
      latest.set(this, { audioPackets: 0, audioBytes: 0, framesDecoded: 0 });
      timers.set(this, setInterval(() => read(this).catch(() => {}), 100));
    }
    close() {
      clearInterval(timers.get(this));
      // The last figures first, then the close the app asked for (a few ms later).
      read(this).catch(() => {}).finally(() => super.close());
    }
  };
  globalThis.portvaktTestInbound = () => {
    const sum = { audioPackets: 0, audioBytes: 0, framesDecoded: 0 };
    for (const t of latest.values()) {
      sum.audioPackets += t.audioPackets;
      sum.audioBytes += t.audioBytes;
      sum.framesDecoded += t.framesDecoded;
    }
    return sum;
  };
})();`;

const inbound = (page: Page): Promise<Inbound> =>
  page.evaluate(() =>
    (globalThis as unknown as { portvaktTestInbound: () => Inbound }).portvaktTestInbound(),
  );

const appDeviceId = (page: Page): Promise<string> =>
  page.evaluate(
    () => (globalThis as unknown as { portvaktApp: { appDeviceId: string } }).portvaktApp.appDeviceId,
  );

describe('early media carries no microphone (real panel, Chromium)', () => {
  let sim: Simulator;
  let browser: Awaited<ReturnType<typeof launchChromiumBrowser>>;

  beforeAll(async () => {
    sim = await startSimulator();
    browser = await launchChromiumBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await sim?.stop();
  });

  const media = async () => (await panelJson(sim, '/api/v1/sim/media')) as unknown as PanelMedia;

  it('parallel bell: ringing devices see the visitor and hear nothing; after the answer only the answering device hears the entrance', async () => {
    const sofia = await residentPassword(sim, 'resident-05');
    const maja = await residentPassword(sim, 'resident-13');
    const pages: Page[] = [];
    for (let i = 0; i < 3; i++) {
      const page = await browser.newPage();
      await page.addInitScript({ content: RECORD_INBOUND_RTP });
      pages.push(page);
    }
    const [answering, sofiaPhone, sofiaTablet] = pages as [Page, Page, Page];
    await logInApp(answering, sim, 'resident-13', maja, 'Maja phone');
    await logInApp(sofiaPhone, sim, 'resident-05', sofia, 'Sofia phone');
    await logInApp(sofiaTablet, sim, 'resident-05', sofia, 'Sofia tablet');
    const ids = await Promise.all(pages.map(appDeviceId));
    await ringUntilRung(sim, () => panelJson(sim, '/api/v1/bells/bell-flat-3001/ring', 'POST'), pages);

    // Early media: every device decodes the visitor's video while it rings.
    await until(
      async () => (await Promise.all(pages.map(inbound))).every((s) => s.framesDecoded > 10),
      'video at every ringing device',
    );
    // Rung for a while with the panel's microphone running: not one packet of it at any device.
    const ingress = (await media()).ingress.audioPackets;
    await until(
      async () => (await media()).ingress.audioPackets > ingress + 50,
      "a second of the panel's microphone",
    );
    const { callId } = (await panelJson(sim, '/api/v1/call')) as { callId: string };
    const ringing = await media();
    expect(ringing.talker).toBeNull();
    // The demo directory's own devices (nobody behind them) are rung as well; the three pages connect.
    const ours = ids.map((id) => `${callId}:${id}`);
    const connected = ringing.peers.filter((p) => ours.includes(p.peerId));
    expect(connected).toHaveLength(3);
    for (const peer of connected) expect(peer.videoPacketsSent).toBeGreaterThan(0);
    for (const peer of ringing.peers) expect(peer.audioPacketsSent).toBe(0);
    for (const page of pages) {
      expect((await appCall(page))?.state).toBe('ringing');
      expect(await inbound(page)).toMatchObject({ audioPackets: 0, audioBytes: 0 });
    }

    // Maja answers: from now on her device hears the entrance, Sofia's stopped devices never do.
    await answering.getByTestId('accept-video').click();
    await until(async () => (await appCall(answering))?.state === 'connected', 'the answer connected');
    await until(async () => (await inbound(answering)).audioPackets > 50, 'the microphone at the answerer');
    for (const page of [sofiaPhone, sofiaTablet]) {
      await until(async () => (await appCall(page))?.endedAt, 'the other devices to stop ringing');
    }
    const talking = await media();
    expect(talking.talker).toBe(`${callId}:${ids[0]}`);
    expect(talking.peers.map((p) => p.peerId)).toEqual([talking.talker]);
    expect(talking.peers[0]!.audioPacketsSent).toBeGreaterThan(50);
    for (const page of [sofiaPhone, sofiaTablet]) {
      expect(await inbound(page)).toMatchObject({ audioPackets: 0, audioBytes: 0 });
      expect((await appCall(page))?.audioBytesReceived).toBe(0);
    }

    // The answerer hangs up: the call ends and nobody gets the microphone any more.
    await answering.getByTestId('hangup').click();
    await until(async () => (await panelJson(sim, '/api/v1/call'))['phase'] === 'idle', 'the call to end');
    const ended = await media();
    expect(ended.talker).toBeNull();
    expect(ended.peers).toEqual([]);
  }, 120_000);

  it('an audio-only answer still gets the microphone', async () => {
    const page = await browser.newPage();
    await page.addInitScript({ content: RECORD_INBOUND_RTP });
    await logInApp(page, sim, 'resident-02', await residentPassword(sim, 'resident-02'), 'Erik phone');
    await ringUntilRung(sim, () => panelJson(sim, '/api/v1/bells/bell-erik/ring', 'POST'), [page]);
    await until(async () => (await inbound(page)).framesDecoded > 5, 'video while ringing');
    expect((await inbound(page)).audioPackets).toBe(0);
    await page.getByTestId('accept-audio').click();
    await until(async () => (await inbound(page)).audioPackets > 50, 'the microphone after an audio answer');
    await hangUpPanel(sim);
  }, 90_000);
});
