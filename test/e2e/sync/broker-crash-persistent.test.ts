import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../../scripts/lab/until.ts';
import type { PanelProcess } from '../../support/panel-process.ts';
import { crashMidStream } from './crash-scenario.ts';
import { type Lab, startLab, startSyncPanel } from './harness.ts';

// With persistence the broker restarts from its last autosave: sessions and queued messages from before
// the kill come back, so the hub and the panel also get stale batches and acks delivered again.
describe('broker SIGKILLed mid-stream, with persistence (autosave every second)', () => {
  let lab: Lab;
  let panel: PanelProcess;

  beforeAll(async () => {
    lab = await startLab({ panelIds: ['p1'], persistence: true, extraConfig: 'autosave_interval 1' });
    panel = await startSyncPanel(lab.panels['p1']!);
    await until(() => lab.hub.store.panels.view('p1').online, 'p1 online at the hub', 10_000);
  });
  afterAll(async () => {
    await panel?.stop();
    await lab?.stop();
  });

  it('the hub ends with every event of the panel exactly once', { timeout: 60_000 }, async () => {
    const port = lab.broker.port;
    const { taps } = await crashMidStream(lab, panel, { waitForAutosave: true });
    expect(lab.broker.port).toBe(port);
    expect(taps).toBeGreaterThanOrEqual(240);
  });
});
