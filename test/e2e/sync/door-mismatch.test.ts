/**
 * A door the hub has for a panel that the panel's device config does not wire (it can never open), and a
 * wired door the hub does not know (no card is ever granted there), are reported on both sides: the
 * panel warns and records `config.door_mismatch` (uploaded to the hub like every event), and the hub's
 * panel status names them from the wired doors the panel reports in `config/reported`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../../scripts/lab/until.ts';
import { adminApi } from '../../support/hub.ts';
import type { PanelProcess } from '../../support/panel-process.ts';
import { type Lab, panelEvents, startLab, startSyncPanel, waitForConfigApplied } from './harness.ts';

describe('door mismatch between hub and panel.yaml', () => {
  let lab: Lab;
  let panel: PanelProcess;

  beforeAll(async () => {
    lab = await startLab({ panelIds: ['p1'] });
    const p1 = lab.panels['p1']!;
    // The hub has a garage door for p1 that nobody wired; the panel wires a bike room the hub lacks.
    lab.hub.store.entities.create('doors', { id: 'p1-garage', panelId: 'p1', name: 'Garage' });
    const doors = p1.config['doors'] as Record<string, unknown>[];
    doors.push({ id: 'p1-bike', name: 'Bike room', relay: { chip: 'pinctrl-sim', line: 18 } });
    panel = await startSyncPanel(p1);
    await waitForConfigApplied(lab.hub, 'p1');
  });
  afterAll(async () => {
    await panel?.stop();
    await lab?.stop();
  });

  const mismatches = async () =>
    (await panelEvents(panel)).filter((e) => e.type === 'config.door_mismatch').map((e) => e.data);

  it('the panel records the mismatch; the hub shows it in the panel status', async () => {
    await until(async () => (await mismatches()).length > 0, 'config.door_mismatch on the panel', 5000);
    expect(await mismatches()).toEqual([{ hubOnly: ['p1-garage'], panelOnly: ['p1-bike'] }]);
    const status = await adminApi(lab.hub)('GET', '/api/v1/panels/p1');
    expect(status.body.doors).toEqual({
      wired: ['p1-bike', 'p1-door'],
      missingOnPanel: ['p1-garage'],
      unknownAtHub: ['p1-bike'],
    });
    // The panel's event reaches the hub too: an operator sees it in the events listing.
    await until(
      () =>
        lab.hub.store.events
          .list({ panelId: 'p1', limit: 1000 })
          .some((e) => e.type === 'config.door_mismatch'),
      'config.door_mismatch at the hub',
      5000,
    );
  });

  it('each change of the difference is recorded once, ending in agreement when the hub is fixed', async () => {
    const admin = adminApi(lab.hub);
    await admin('DELETE', '/api/v1/doors/p1-garage?wait=5000');
    await admin('POST', '/api/v1/doors?wait=5000', { id: 'p1-bike', panelId: 'p1', name: 'Bike room' });
    // Each change is a config version of its own: one event per step, ending in agreement.
    await until(async () => (await mismatches()).length === 3, 'the agreement event', 5000);
    expect(await mismatches()).toEqual([
      { hubOnly: ['p1-garage'], panelOnly: ['p1-bike'] },
      { hubOnly: [], panelOnly: ['p1-bike'] },
      { hubOnly: [], panelOnly: [] },
    ]);
    await waitForConfigApplied(lab.hub, 'p1');
    expect((await admin('GET', '/api/v1/panels/p1')).body.doors).toEqual({
      wired: ['p1-bike', 'p1-door'],
      missingOnPanel: [],
      unknownAtHub: [],
    });
  });
});
