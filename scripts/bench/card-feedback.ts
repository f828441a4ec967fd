/**
 * card_feedback_p99_ms: a card tap → "granted" shown on the panel page. One clock, the page's: the page
 * itself taps the card (its fetch of the simulator's tap API starts the timer: the simulated reader
 * delivers the card, the panel decides, commits and moves the relay inside that request), and a
 * MutationObserver on `[data-testid="card-feedback"]` sees the new `data-tap-id` with
 * `data-result="granted"`; the figure stops once the next frame is painted (a message posted from its
 * animation callback runs after the paint). So it holds the whole path: HTTP in, decision and audit commit (one fsync), the `card` event on the
 * screen stream, the page's handler, the frame. The tap API's own reply time is listed beside it.
 */
import type { Page } from 'playwright-core';
import { demoBuilding } from '../../device/sim/demo-building.ts';
import { type BenchLine, round, summarize } from './stats.ts';

const READER = 'entrance-reader';

/**
 * The demo building's cards that open the main entrance at any time: active residents with a rule on
 * it and no time profile. The panel ignores a card's repeat on a reader within 1.5 s
 * (access.repeatTapWindowMs), so the taps go round all of them.
 */
function entranceCards(): string[] {
  const building = demoBuilding();
  const active = new Set((building.residents ?? []).filter((r) => r.status !== 'removed').map((r) => r.id));
  const opens = new Set(
    (building.accessRules ?? [])
      .filter((rule) => rule.doorId === 'main-entrance' && !rule.timeProfileId)
      .map((rule) => rule.residentId),
  );
  return (building.cards ?? [])
    .filter((c) => (c.status ?? 'active') === 'active' && active.has(c.residentId) && opens.has(c.residentId))
    .map((c) => c.uid);
}
/** A card's taps at least this far apart: the repeat window and a margin. */
const SAME_CARD_GAP_MS = 2000;

interface TapSample {
  /** ms from the tap's fetch to the feedback's attributes set, and to the next frame. */
  dom: number;
  frame: number;
  /** ms from the fetch to its reply (the decision, from the API). */
  reply: number;
}

/** Plain JS run in the page: one tap and its feedback. */
const TAP_AND_WATCH = `async ({ reader, uid }) => {
  const box = () => document.querySelector('[data-testid="card-feedback"]');
  const before = box() ? box().dataset.tapId : undefined;
  const t0 = performance.now();
  const shown = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no granted feedback within 5 s')), 5000);
    const observer = new MutationObserver(() => {
      const el = box();
      if (!el || el.hidden || el.dataset.tapId === before || el.dataset.result !== 'granted') return;
      observer.disconnect();
      clearTimeout(timer);
      const dom = performance.now() - t0;
      // After the next paint: a message posted from the frame's animation callback runs once the main
      // thread has painted that frame.
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve({ dom, frame: performance.now() - t0 });
        channel.port2.postMessage(0);
      });
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  const res = await fetch('/api/v1/sim/readers/' + reader + '/tap', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uid }),
  });
  const reply = performance.now() - t0;
  const decision = await res.json();
  if (!res.ok || !decision.granted) throw new Error('the tap was not granted: ' + JSON.stringify(decision));
  return { ...(await shown), reply };
}`;

/** `page`: the panel page, ready. */
export async function benchCardFeedback(page: Page, taps: number, warmup = 10): Promise<BenchLine> {
  const cards = entranceCards();
  const lastTap = new Map<string, number>();
  const samples: TapSample[] = [];
  for (let i = 0; i < warmup + taps; i++) {
    const uid = cards[i % cards.length]!;
    const since = performance.now() - (lastTap.get(uid) ?? Number.NEGATIVE_INFINITY);
    // Taps a little apart, as people are, and a card not again within the panel's repeat window.
    await new Promise((resolve) => setTimeout(resolve, Math.max(20, SAME_CARD_GAP_MS - since)));
    lastTap.set(uid, performance.now());
    const arg = JSON.stringify({ reader: READER, uid });
    const sample = await page.evaluate<TapSample>(`(${TAP_AND_WATCH})(${arg})`);
    if (i >= warmup) samples.push(sample);
  }
  const frame = summarize(samples.map((s) => s.frame));
  return {
    metric: 'card_feedback_p99_ms',
    value: round(frame.p99, 1),
    unit: 'ms',
    p50: round(frame.p50, 1),
    max: round(frame.max, 1),
    n: frame.n,
    cards: cards.length,
    attributes_set_p99_ms: round(summarize(samples.map((s) => s.dom)).p99, 1),
    tap_api_reply_p50_ms: round(summarize(samples.map((s) => s.reply)).p50, 1),
    target: 100,
    note: "page clock: the page's fetch of the sim tap API -> the frame painted after card-feedback shows granted with the new tap id",
  };
}
