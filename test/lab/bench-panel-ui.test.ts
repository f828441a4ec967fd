/**
 * The bench group `panel-ui` at a tiny size, so it cannot rot: the simulator, the visitor page in
 * Chromium, the resident app, and the kiosk (cage + Chromium as `nobody`). The figures belong to
 * `npm run bench -- --only panel-ui`; this pins that each is taken from what it names — the page became
 * ready, every card tap showed its granted feedback, every touch on Ring was painted in the app, the
 * kiosk's processes were found and measured.
 */
import { describe, expect, it } from 'vitest';
import { benchPanelUi } from '../../scripts/bench/panel-ui.ts';

describe('bench group panel-ui (tiny)', () => {
  it('times the page ready, card feedback and a ring from a touch, and measures the kiosk', async () => {
    const [ready, card, ring, memory] = await benchPanelUi({ loads: 2, taps: 5, calls: 1 });
    expect(ready).toMatchObject({ metric: 'panel_page_ready_ms', n: 2 });
    expect(card).toMatchObject({ metric: 'card_feedback_p99_ms', n: 5 });
    expect(ring).toMatchObject({ metric: 'touch_to_ring_p50_ms', n: 1 });
    // Each is a time after its start: nothing is shown before the navigation, the tap or the touch.
    for (const line of [ready, card, ring]) expect(line?.value).toBeGreaterThan(0);
    expect(Number(card?.['tap_api_reply_p50_ms'])).toBeGreaterThan(0);
    expect(memory).toMatchObject({ metric: 'kiosk_browser_pss_mb', unit: 'MB' });
    // cage and the browser, the broker, the renderer, … each counted, and the whole kiosk costs more.
    expect(Number(memory?.['compositor_mb'])).toBeGreaterThan(0);
    expect(Number(memory?.['chromium_processes'])).toBeGreaterThanOrEqual(4);
    expect(Number(memory?.['with_session_pages_once_mb'])).toBeGreaterThan(Number(memory?.['pages_once_mb']));
  }, 240_000);
});
