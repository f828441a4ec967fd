import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../scripts/lab/free-port.ts';
import { until } from '../../../scripts/lab/until.ts';
import type { PanelProcess } from '../../support/panel-process.ts';
import { type Lab, startLab, startSyncPanel, tap, waitForConfigApplied } from '../sync/harness.ts';

// A synced panel's figures over real Mosquitto and the hub: the applied config version, and the outbox
// and its lag growing while the broker is gone (the door still works).
describe('sync metrics of a real panel', () => {
  let lab: Lab;
  let panel: PanelProcess;
  let metrics = '';

  beforeAll(async () => {
    lab = await startLab({ panelIds: ['p1'] });
    const port = await freePort();
    lab.panels['p1']!.config['metrics'] = { port };
    metrics = `http://127.0.0.1:${port}/metrics`;
    panel = await startSyncPanel(lab.panels['p1']!);
  });
  afterAll(async () => {
    await panel?.stop();
    await lab?.stop();
  });

  // A rendered scrape is reused for up to a second: poll until the figure says what is awaited.
  const figure = async (name: string) => {
    const text = await (await fetch(metrics)).text();
    return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  };

  it('reports the config version the panel applied', async () => {
    const version = await waitForConfigApplied(lab.hub, 'p1');
    expect(version).toBeGreaterThan(0);
    await until(
      async () => (await figure('portvakt_config_version')) === version,
      'the applied version',
      10_000,
    );
    await until(async () => (await figure('portvakt_outbox_depth')) === 0, 'an empty outbox', 10_000);
    expect(await figure('portvakt_sync_lag_seconds')).toBe(0);
  });

  it('shows events waiting and their age while the broker is down', async () => {
    await lab.broker.kill();
    const res = await tap(panel, '04FFFFFF');
    expect(res.body, JSON.stringify(res.body)).toMatchObject({ granted: false });
    await until(async () => (await figure('portvakt_outbox_depth')) >= 1, 'the refused tap waiting', 10_000);
    expect(await figure('portvakt_sync_lag_seconds')).toBeGreaterThan(0);
  });
});
