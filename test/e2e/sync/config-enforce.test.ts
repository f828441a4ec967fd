import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../../scripts/lab/until.ts';
import { adminApi } from '../../support/hub.ts';
import type { PanelProcess } from '../../support/panel-process.ts';
import {
  type Lab,
  relay,
  seedResident,
  startLab,
  startSyncPanel,
  tap,
  waitForConfigApplied,
} from './harness.ts';

// An administrator's change at the hub reaches a running panel over a real broker and changes what the
// panel decides at the door, with no access to the panel itself.
describe('config change at the hub, enforced by the panel', () => {
  let lab: Lab;
  let panel: PanelProcess;
  const UID = '04C0FFEE';

  beforeAll(async () => {
    lab = await startLab({ panelIds: ['p1'] });
    panel = await startSyncPanel(lab.panels['p1']!);
  });
  afterAll(async () => {
    await panel?.stop();
    await lab?.stop();
  });

  it('grants a card added at the hub, and denies it as revoked once revoked at the hub', async () => {
    const p1 = lab.panels['p1']!;
    const { cardId } = seedResident(lab.hub, p1, UID);
    const seededVersion = await waitForConfigApplied(lab.hub, 'p1');

    const before = await relay(panel, p1.doorId);
    const granted = await tap(panel, UID);
    expect(granted.body).toMatchObject({ granted: true, reason: 'granted', doorIds: [p1.doorId] });
    expect((await relay(panel, p1.doorId)).energizeCount).toBe(before.energizeCount + 1);

    const revoked = await adminApi(lab.hub)('POST', `/api/v1/cards/${cardId}/revoke`);
    expect(revoked).toMatchObject({ status: 200, body: { id: cardId, status: 'revoked' } });
    const revokedVersion = await waitForConfigApplied(lab.hub, 'p1');
    expect(revokedVersion).toBeGreaterThan(seededVersion);

    const denied = await tap(panel, UID);
    expect(denied.body).toMatchObject({ granted: false, reason: 'card_revoked' });
    expect((await relay(panel, p1.doorId)).energizeCount).toBe(before.energizeCount + 1);
  });

  it('reports the enforced version on config/reported and in its state', async () => {
    const view = lab.hub.store.panels.view('p1');
    expect(view.online).toBe(true);
    expect(view.config.reportedVersion).toBe(view.config.publishedVersion);
    expect(view.config.reportedStatus).toBe('applied');
  });

  it('a panel that dies (SIGKILL) is marked offline by its last will', async () => {
    expect(lab.hub.store.panels.view('p1').online).toBe(true);
    await panel.kill();
    await until(() => !lab.hub.store.panels.view('p1').online, 'the last will at the hub', 10_000);
  });
});
