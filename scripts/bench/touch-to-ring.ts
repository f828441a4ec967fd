/**
 * touch_to_ring_p50_ms: the visitor's touch on a Ring button of the panel page → the ring painted in the
 * resident's app, two pages of one Chromium (the panel page on an 800×480 touch screen; the resident
 * web app logged in over MQTT), both times from one clock: performance.timeOrigin + the touch's
 * `pointerdown` event time on the panel page, the app's `ringShownAt` (performance.timeOrigin +
 * performance.now() when it painted the ring).
 *
 * The baseline of the same run, alternating with it: the same ring started by the panel page's own
 * fetch of the ring API (no touch, no screen change), to the same paint — what the page's touch
 * handling and its call screen add is the difference.
 */
import type { Browser, Page } from 'playwright-core';
import { DEMO_DIRECTORY } from '../../device/sim/demo-directory.ts';
import { until } from '../lab/until.ts';
import {
  appCall,
  hangUpPanel,
  logInApp,
  panelJson,
  residentPassword,
  ringUntilRung,
  type Simulator,
} from '../sim/simulator.ts';
import { type BenchLine, round, summarize } from './stats.ts';

const RESIDENT = 'resident-01';
const BELL = DEMO_DIRECTORY.pictureBell;

/** Notes the wall times of the first touch on a Ring button and of its click (plain JS: in the panel page). */
const WATCH_PRESS = `(() => {
  globalThis.benchPress = null;
  globalThis.benchClick = null;
  const onRing = (event) => event.target instanceof Element && event.target.closest('[data-testid^="ring-"]');
  document.addEventListener('pointerdown', (event) => {
    if (onRing(event) && globalThis.benchPress === null) globalThis.benchPress = performance.timeOrigin + event.timeStamp;
  }, { capture: true });
  document.addEventListener('click', (event) => {
    if (onRing(event) && globalThis.benchClick === null) globalThis.benchClick = performance.timeOrigin + event.timeStamp;
  }, { capture: true });
  // When the page sends the ring: what the touch costs before the request leaves.
  globalThis.benchRequest = null;
  const send = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    if (globalThis.benchRequest === null && String(input).includes('/ring')) {
      globalThis.benchRequest = performance.timeOrigin + performance.now();
    }
    return send(input, init);
  };
})()`;

/** The ring API from the page: wall time just before the request (plain JS). */
const RING_BY_API = `async (bell) => {
  const at = performance.timeOrigin + performance.now();
  const res = await fetch('/api/v1/bells/' + bell + '/ring', { method: 'POST' });
  if (!res.ok) throw new Error('ring: ' + res.status);
  return { at, callId: (await res.json()).callId };
}`;

async function shownRing(
  app: Page,
  accept: (callId: string) => boolean,
  what: string,
): Promise<{ callId: string; shownAt: number }> {
  const call = await until(async () => {
    const c = await appCall(app);
    return c && c.ringShownAt !== null && accept(c.callId) && c;
  }, what);
  return { callId: call.callId, shownAt: call.ringShownAt! };
}

/**
 * Ends the call and lets a second pass: a ring a few hundred milliseconds after the app device's last
 * call ended sometimes never reached it (the next call rang on the panel, the app stayed on "ended");
 * visitors are not that quick, and the figure is about the ring, not that race.
 */
async function endCall(sim: Simulator, app: Page): Promise<void> {
  await hangUpPanel(sim);
  await until(async () => (await appCall(app))?.state === 'ended', 'the app to end the call');
  await until(async () => (await panelJson(sim, '/api/v1/call'))['phase'] === 'idle', 'the panel idle');
  await new Promise((resolve) => setTimeout(resolve, 1000));
}

async function panelPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 800, height: 480 }, hasTouch: true });
  return context.newPage();
}

export async function benchTouchToRing(browser: Browser, sim: Simulator, calls: number): Promise<BenchLine> {
  const app = await (await browser.newContext()).newPage();
  await logInApp(app, sim, RESIDENT, await residentPassword(sim, RESIDENT), 'Bench phone');
  // A fresh login reaches the panel's directory within a moment; not counted.
  await ringUntilRung(sim, () => panelJson(sim, `/api/v1/bells/${BELL}/ring`, 'POST'), [app]);
  await endCall(sim, app);
  const panel = await panelPage(browser);
  const touch: number[] = [];
  const toClick: number[] = [];
  const toRequest: number[] = [];
  const api: number[] = [];
  let last = (await appCall(app))?.callId;
  const fresh = (id: string) => id !== last;
  for (let i = 0; i <= calls; i++) {
    await panel.goto(`${sim.panel}/panel/`);
    await panel.locator('body[data-ready="1"][data-screen="home"]').waitFor();
    await panel.evaluate(WATCH_PRESS);
    await panel.getByTestId('home-find').tap();
    await panel.getByTestId(`ring-${BELL}`).tap();
    const ring = await shownRing(app, fresh, 'the ring of a touch on Ring painted in the app').catch(
      async (err: Error) => {
        // What the visitor saw instead (busy, unreachable, …) names the cause.
        const screen = await panel.evaluate<string>(
          `document.body.dataset.screen + ' ' + (document.querySelector('[data-outcome]')?.dataset.outcome ?? '')`,
        );
        throw new Error(`${err.message}; the panel page shows ${screen}`);
      },
    );
    const [pressedAt, clickAt, requestAt] = await panel.evaluate<
      [number | null, number | null, number | null]
    >('[globalThis.benchPress, globalThis.benchClick, globalThis.benchRequest]');
    if (pressedAt === null || clickAt === null || requestAt === null)
      throw new Error('the touch on the Ring button or its request was not seen');
    last = ring.callId;
    await endCall(sim, app);

    const byApi = await panel.evaluate<{ at: number; callId: string }>(
      `(${RING_BY_API})(${JSON.stringify(BELL)})`,
    );
    const apiRing = await shownRing(
      app,
      (id) => id === byApi.callId,
      'the ring of the API painted in the app',
    );
    last = apiRing.callId;
    await endCall(sim, app);
    // The first pair warms up the page's code paths and the app's call screen; not counted.
    if (i === 0) continue;
    touch.push(ring.shownAt - pressedAt);
    toClick.push(clickAt - pressedAt);
    toRequest.push(requestAt - pressedAt);
    api.push(apiRing.shownAt - byApi.at);
  }
  await panel.context().close();
  await app.context().close();
  const t = summarize(touch);
  const a = summarize(api);
  return {
    metric: 'touch_to_ring_p50_ms',
    value: round(t.p50, 1),
    unit: 'ms',
    p99: round(t.p99, 1),
    max: round(t.max, 1),
    n: t.n,
    touch_to_click_p50_ms: round(summarize(toClick).p50, 1),
    touch_to_request_p50_ms: round(summarize(toRequest).p50, 1),
    api_ring_to_ring_p50_ms: round(a.p50, 1),
    api_ring_to_ring_max_ms: round(a.max, 1),
    target: 60,
    note: "touch on Ring (pointerdown) -> ring painted in the resident's app; baseline: the page's ring API fetch -> the same paint",
  };
}
