/**
 * A panel run from a real config on the simulated drivers (a bench test of its wiring) prints where its
 * simulator controls are, with its own reader, and none of the demo building's cards or inputs: those
 * exist only in `--sim` demo mode (sim-panel.test.ts covers that banner).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CARDS } from '../../device/sim/demo-building.ts';
import { until } from '../../scripts/lab/until.ts';
import { panelConfig } from '../support/configs.ts';
import { type PanelProcess, startPanel, writeConfig } from '../support/panel-process.ts';
import { tempDir } from '../support/temp-dir.ts';

describe('a real config on simulated drivers', () => {
  let panel: PanelProcess;

  beforeAll(async () => {
    const dir = tempDir();
    const config = { ...panelConfig({ storePath: `${dir}/panel.db` }), readers: [] as unknown[] };
    config.readers = [{ id: 'lobby-reader', name: 'Sim Reader', doors: ['entrance'] }];
    panel = await startPanel(['--config', writeConfig(dir, config)]);
  });
  afterAll(async () => {
    await panel?.stop();
  });

  it('prints its own simulator controls, not the demo banner', async () => {
    await until(() => panel.output().includes('is ready on simulated'), 'the note', 5000);
    const out = panel.output();
    expect(out).toContain('/api/v1/sim/readers/lobby-reader/tap');
    for (const demo of [DEMO_CARDS.resident, DEMO_CARDS.unknown, 'portvakt simulator', 'entrance-reader'])
      expect(out).not.toContain(demo);
  });
});
