import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../../scripts/lab/until.ts';
import type { PanelProcess } from '../../support/panel-process.ts';
import { crashMidStream } from './crash-scenario.ts';
import { type Lab, startLab, startSyncPanel } from './harness.ts';

// Without persistence a SIGKILL loses every session and queued message at the broker: the hub's
// subscriptions, batches in flight, acks on their way back. The panel's outbox must make up for all of it.
describe('broker SIGKILLed mid-stream, without persistence', () => {
  let lab: Lab;
  let panel: PanelProcess;

  beforeAll(async () => {
    lab = await startLab({ panelIds: ['p1'], persistence: false });
    panel = await startSyncPanel(lab.panels['p1']!);
    await until(() => lab.hub.store.panels.view('p1').online, 'p1 online at the hub', 10_000);
  });
  afterAll(async () => {
    await panel?.stop();
    await lab?.stop();
  });

  it('the hub ends with every event of the panel exactly once', { timeout: 60_000 }, async () => {
    const port = lab.broker.port;
    const { taps } = await crashMidStream(lab, panel, { waitForAutosave: false });
    expect(lab.broker.port).toBe(port);
    expect(taps).toBeGreaterThanOrEqual(240);
  });
});
