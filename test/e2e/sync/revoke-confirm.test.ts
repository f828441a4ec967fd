/**
 * Revocation you can confirm: a card or resident change answers with the config version it produced per
 * panel and, with `?wait=`, only once every online panel reports it applied — so a tap right after the
 * answer is already denied — naming the panels that have not applied it (offline or behind).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminApi } from '../../support/hub.ts';
import type { PanelProcess } from '../../support/panel-process.ts';
import { type Lab, seedResident, startLab, startSyncPanel, tap, waitForConfigApplied } from './harness.ts';

const UID_1 = '04F1F1F1';
const UID_2 = '04F2F2F2';

describe('confirmable revocation', () => {
  let lab: Lab;
  let panel: PanelProcess;

  beforeAll(async () => {
    // p2 is provisioned but never started: offline.
    lab = await startLab({ panelIds: ['p1', 'p2'] });
    seedResident(lab.hub, lab.panels['p1']!, UID_1);
    seedResident(lab.hub, lab.panels['p2']!, UID_2);
    panel = await startSyncPanel(lab.panels['p1']!);
    await waitForConfigApplied(lab.hub, 'p1');
  });
  afterAll(async () => {
    await panel?.stop();
    await lab?.stop();
  });

  const admin = () => adminApi(lab.hub);

  it('without wait, a revoke answers at once with the version it produced', async () => {
    await admin()('POST', '/api/v1/cards/p1-card/block');
    const published = lab.hub.store.panels.view('p1').config.publishedVersion!;
    expect((await admin()('POST', '/api/v1/cards/p1-card/unblock')).body).toMatchObject({
      status: 'active',
      config: { versions: [{ panelId: 'p1', version: published + 1 }] },
    });
    expect((await admin()('POST', '/api/v1/cards/p1-card/unblock')).body.config).toEqual({ versions: [] });
    await waitForConfigApplied(lab.hub, 'p1');
  });

  it('revoke with wait, then an immediate tap is denied', async () => {
    expect((await tap(panel, UID_1)).body).toMatchObject({ granted: true });
    const revoked = await admin()('POST', '/api/v1/cards/p1-card/revoke?wait=5000');
    expect(revoked).toMatchObject({
      status: 200,
      body: { status: 'revoked', config: { applied: [{ panelId: 'p1' }], notApplied: [] } },
    });
    expect((await tap(panel, UID_1)).body).toMatchObject({ granted: false, reason: 'card_revoked' });
  });

  it('names a panel that is offline instead of waiting for it', async () => {
    const revoked = await admin()('POST', '/api/v1/cards/p2-card/revoke?wait=5000');
    expect(revoked.body.config).toMatchObject({
      applied: [],
      notApplied: [{ panelId: 'p2', reason: 'offline', reportedVersion: null }],
    });
  });

  it('a resident change waits too; a delete with wait answers what it waited for', async () => {
    await admin()('POST', '/api/v1/cards', { id: 'p1-card-2', uid: '04F1F1F2', residentId: 'p1-resident' });
    await waitForConfigApplied(lab.hub, 'p1');
    expect((await tap(panel, '04F1F1F2')).body).toMatchObject({ granted: true });
    const moved = await admin()('PATCH', '/api/v1/residents/p1-resident?wait=5000', { status: 'removed' });
    // A resident's own fields take the fast path: only the panels holding the resident get a version (the
    // offline p2 does not hold p1's resident, so it is neither named nor waited for).
    expect(moved.body).toMatchObject({ status: 'removed', config: { applied: [{ panelId: 'p1' }] } });
    expect(moved.body.config.versions.map((v: { panelId: string }) => v.panelId)).toEqual(['p1']);
    expect(moved.body.config.notApplied).toEqual([]);
    expect((await tap(panel, '04F1F1F2')).body).toMatchObject({ granted: false });
    const removed = await admin()('DELETE', '/api/v1/cards/p1-card-2?wait=5000');
    expect(removed).toMatchObject({ status: 200, body: { config: { applied: [{ panelId: 'p1' }] } } });
    expect((await tap(panel, '04F1F1F2')).body).toMatchObject({ granted: false, reason: 'unknown_card' });
  });

  it('refuses a wait beyond the limit, changing nothing', async () => {
    const res = await admin()('POST', '/api/v1/cards/p1-card/block?wait=999999');
    expect(res.status).toBe(400);
  });
});
