/**
 * A change made with the hub CLI while the hub runs (another SQLite connection on the hub's database)
 * reaches the panel at once: the hub watches data_version every 200 ms (its default), so a CLI revoke stops
 * granting within a second, not after a 30 s sweep. Also: the hub's panel status names the config
 * version the panel applied (it showed the connect-time 0 before).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubSettingsSchema } from '../../../cloud-sync/hub/settings.ts';
import { until } from '../../../scripts/lab/until.ts';
import { hubCli } from '../../support/hub-cli.ts';
import type { PanelProcess } from '../../support/panel-process.ts';
import { type Lab, seedResident, startLab, startSyncPanel, tap, waitForConfigApplied } from './harness.ts';

const UID = '04C1C1C1';

describe('hub CLI changes while the hub runs', () => {
  let lab: Lab;
  let panel: PanelProcess;

  beforeAll(async () => {
    // The product default, not a test value.
    const { recompileIntervalMs } = hubSettingsSchema.parse({ adminToken: 'x'.repeat(32) });
    expect(recompileIntervalMs).toBeLessThanOrEqual(250);
    lab = await startLab({ panelIds: ['p1'], recompileIntervalMs });
    seedResident(lab.hub, lab.panels['p1']!, UID);
    panel = await startSyncPanel(lab.panels['p1']!);
    await waitForConfigApplied(lab.hub, 'p1');
  });
  afterAll(async () => {
    await panel?.stop();
    await lab?.stop();
  });

  it('panel status shows the applied config version', async () => {
    const applied = await waitForConfigApplied(lab.hub, 'p1');
    expect(applied).toBeGreaterThan(0);
    expect(lab.hub.store.panels.view('p1').state).toMatchObject({ status: 'online', configVersion: applied });
  });

  it('a CLI revoke stops granting at once (not after a 30 s sweep)', async () => {
    expect((await tap(panel, UID)).body).toMatchObject({ granted: true });
    const revoke = await hubCli(lab.hubDir, 'card', 'revoke', '--id', 'p1-card');
    expect(revoke.code).toBe(0);
    // Bounded far below the old 30 s sweep, with room for a loaded machine (the hub checks every 200 ms).
    await until(
      async () => (await tap(panel, UID)).body.granted === false,
      'the CLI revoke to reach the panel',
      5000,
    );
    expect((await tap(panel, UID)).body).toMatchObject({ granted: false, reason: 'card_revoked' });
    const applied = await waitForConfigApplied(lab.hub, 'p1');
    expect(lab.hub.store.panels.view('p1').state?.configVersion).toBe(applied);
  });
});
