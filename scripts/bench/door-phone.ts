/**
 * The video door phone's figures, as `npm start` runs it (launcher, hub, panel with the sim camera) with
 * a resident logged into the resident web app in headless Chromium:
 *  - bell_to_ring_p50_ms: the bell pressed (the panel's ring API, as the panel page's bell button calls
 *    it) → the ring painted in the resident's browser (the app's ringShownAt).
 *  - answer_to_first_frame_p50_ms: the resident presses Accept (a real click; the app's acceptedAt) → the
 *    next video frame shown. The video has been streaming since the ring (early media).
 *  - first_frame_ratio_vs_bare: the app's ring received → first frame shown (signaling, ICE, DTLS and the
 *    keyframe of the product), over bare-call.ts's offer received → first frame shown.
 * Product and bare calls alternate, in the same browser, so machine noise weighs on both alike; figures
 * are medians. Times in the page are its wall clock; the bench's clock is matched to it (clockOffset).
 * Needs the lab namespace (only `lo`), where the door-phone tests run too.
 */
import type { Page } from 'playwright-core';
import { DEMO_DIRECTORY } from '../../device/sim/demo-directory.ts';
import { launchChromiumBrowser } from '../lab/chromium.ts';
import { until } from '../lab/until.ts';
import {
  appCall,
  hangUpPanel,
  logInApp,
  panelJson,
  residentPassword,
  ringUntilRung,
  type Simulator,
  startSimulator,
} from '../sim/simulator.ts';
import { BareCall } from './bare-call.ts';
import { type BenchLine, round, summarize } from './stats.ts';

const RESIDENT = 'resident-01';
const BELL = DEMO_DIRECTORY.pictureBell;
const wallNow = () => performance.timeOrigin + performance.now();

/** Page clock minus this process's clock (ms), from the round trip with the least delay. */
async function clockOffset(page: Page): Promise<number> {
  let best = { rtt: Number.POSITIVE_INFINITY, offset: 0 };
  for (let i = 0; i < 10; i++) {
    const sent = wallNow();
    const pageNow = await page.evaluate(() => performance.timeOrigin + performance.now());
    const back = wallNow();
    if (back - sent < best.rtt) best = { rtt: back - sent, offset: pageNow - (sent + back) / 2 };
  }
  return best.offset;
}

/** Notes the time of every frame the call's video element shows from now on (plain JS: runs in the page). */
const RECORD_FRAMES = `(() => {
  const video = document.querySelector('[data-testid="remote-video"]');
  const frames = [];
  globalThis.benchFrames = frames;
  const onFrame = () => {
    frames.push(performance.timeOrigin + performance.now());
    if (frames.length < 300) video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
})()`;
/** ms from the app's acceptedAt to the first frame shown after it, or null before there is one. */
const FRAME_AFTER_ACCEPT = `(() => {
  const at = globalThis.portvaktApp.call?.acceptedAt;
  const frame = at == null ? undefined : globalThis.benchFrames.find((t) => t > at);
  return frame === undefined ? null : frame - at;
})()`;

interface ProductSample {
  bellToRing: number;
  /** Of which: the bell pressed → the ring message received in the app. */
  bellToMessage: number;
  ringToFrame: number;
  /** Of which: the ring received → the panel's offer received (the panel making its peer). */
  ringToOffer: number;
  /** The rest: what bare-call.ts times (the app answering, ICE, DTLS, keyframe). */
  offerToFrame: number;
  answerToFrame: number;
}

async function productCall(sim: Simulator, page: Page, offset: number): Promise<ProductSample> {
  const pressedAt = wallNow();
  const { callId } = (await panelJson(sim, `/api/v1/bells/${BELL}/ring`, 'POST')) as { callId?: string };
  if (!callId) throw new Error('the panel did not ring');
  const rung = await until(async () => {
    const c = await appCall(page);
    const done = c?.ringShownAt != null && c.offerReceivedAt !== null && c.firstFrameAt !== null;
    return c?.callId === callId && done && c;
  }, 'the ring and its first frame in the app');
  await page.evaluate(RECORD_FRAMES);
  await page.getByTestId('accept-video').click();
  const answerToFrame = await until(
    () => page.evaluate<number | null>(FRAME_AFTER_ACCEPT),
    'a frame after Accept',
  );
  await endCall(sim, page);
  return {
    bellToRing: rung.ringShownAt! - offset - pressedAt,
    bellToMessage: rung.ringReceivedAt - offset - pressedAt,
    ringToFrame: rung.firstFrameAt! - rung.ringReceivedAt,
    ringToOffer: rung.offerReceivedAt! - rung.ringReceivedAt,
    offerToFrame: rung.firstFrameAt! - rung.offerReceivedAt!,
    answerToFrame,
  };
}

async function endCall(sim: Simulator, page: Page): Promise<void> {
  await hangUpPanel(sim);
  await until(async () => (await appCall(page))?.state === 'ended', 'the app to end the call');
  await until(async () => (await panelJson(sim, '/api/v1/call'))['phase'] === 'idle', 'the panel idle');
}

export async function benchDoorPhone(options: { calls?: number } = {}): Promise<BenchLine[]> {
  const calls = options.calls ?? 20;
  const sim = await startSimulator();
  let browser: Awaited<ReturnType<typeof launchChromiumBrowser>> | undefined;
  let bare: BareCall | undefined;
  try {
    browser = await launchChromiumBrowser();
    bare = await BareCall.start();
    const app = await browser.newPage();
    await logInApp(app, sim, RESIDENT, await residentPassword(sim, RESIDENT), 'Bench phone');
    const barePage = await browser.newPage();
    await bare.prepare(barePage);
    const offset = await clockOffset(app);
    // Warm-up, not counted: the fresh login reaches the panel's directory within a moment; JIT, caches.
    await ringUntilRung(sim, () => panelJson(sim, `/api/v1/bells/${BELL}/ring`, 'POST'), [app]);
    await endCall(sim, app);
    await productCall(sim, app, offset);
    await bare.call(barePage);
    const product: ProductSample[] = [];
    const bareMs: number[] = [];
    for (let i = 0; i < calls; i++) {
      product.push(await productCall(sim, app, offset));
      bareMs.push(await bare.call(barePage));
    }
    const stat = (key: keyof ProductSample) => summarize(product.map((p) => p[key]));
    const ring = stat('bellToRing');
    const answer = stat('answerToFrame');
    const productFrame = stat('ringToFrame');
    const bareFrame = summarize(bareMs);
    return [
      {
        metric: 'bell_to_ring_p50_ms',
        value: round(ring.p50, 1),
        unit: 'ms',
        max: round(ring.max, 1),
        to_app_p50_ms: round(stat('bellToMessage').p50, 1),
        n: ring.n,
        target: 50,
        clock_offset_ms: round(offset, 2),
        note: "ring API -> ring painted in the resident's browser (Chromium, resident web app, via MQTT)",
      },
      {
        metric: 'answer_to_first_frame_p50_ms',
        value: round(answer.p50, 1),
        unit: 'ms',
        max: round(answer.max, 1),
        n: answer.n,
        target: 150,
        note: 'click on Accept -> next video frame shown (early media: streaming since the ring)',
      },
      {
        metric: 'first_frame_ratio_vs_bare',
        value: round(productFrame.p50 / bareFrame.p50, 2),
        unit: 'ratio',
        product_p50_ms: round(productFrame.p50, 1),
        product_ring_to_offer_p50_ms: round(stat('ringToOffer').p50, 1),
        product_offer_to_frame_p50_ms: round(stat('offerToFrame').p50, 1),
        bare_p50_ms: round(bareFrame.p50, 1),
        product_max_ms: round(productFrame.max, 1),
        bare_max_ms: round(bareFrame.max, 1),
        n: calls,
        target: 1.3,
        note: 'app: ring received -> first frame shown; bare werift->Chromium: offer received -> first frame',
      },
    ];
  } finally {
    await browser?.close();
    await bare?.stop();
    await sim.stop();
  }
}

if (import.meta.main) {
  for (const line of await benchDoorPhone()) console.log(JSON.stringify(line));
}
