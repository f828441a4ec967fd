/**
 * Resident self-service reaches a running panel over Mosquitto like an admin change: a card the resident
 * blocks in the app is denied at the next tap and granted again once unblocked, and the text and hiding the
 * resident sets change what the panel's directory shows.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visibleDirectory } from '../../../device/intercom/directory.ts';
import { DirectoryLookup } from '../../../device/store/directory-lookup.ts';
import { until } from '../../../scripts/lab/until.ts';
import { adminApi, bearer } from '../../support/hub.ts';
import type { PanelProcess } from '../../support/panel-process.ts';
import { type Lab, seedResident, startLab, startSyncPanel, tap, waitForConfigApplied } from './harness.ts';

const UID = '04D1D2D3';
const R = '/api/v1/resident';

describe('resident self-service on a real panel', () => {
  let lab: Lab;
  let panel: PanelProcess;
  let replica: Database.Database;
  let directory: DirectoryLookup;
  let resident: Record<string, string>;

  beforeAll(async () => {
    lab = await startLab({ panelIds: ['p1'] });
    seedResident(lab.hub, lab.panels['p1']!, UID);
    lab.hub.store.entities.create('doorbells', {
      id: 'bell-res',
      panelId: 'p1',
      residentId: 'p1-resident',
      type: 'separate',
      displayText: 'Resident of p1',
    });
    panel = await startSyncPanel(lab.panels['p1']!);
    await waitForConfigApplied(lab.hub, 'p1');
    replica = new Database((lab.panels['p1']!.config['store'] as { path: string }).path, { readonly: true });
    directory = new DirectoryLookup(replica);
    const call = adminApi(lab.hub);
    const set = await call('POST', '/api/v1/residents/p1-resident/login');
    const login = await call(
      'POST',
      `${R}/login`,
      { residentId: 'p1-resident', password: set.body.password, deviceName: 'Phone' },
      { 'content-type': 'application/json' },
    );
    resident = bearer(login.body.token);
  });
  afterAll(async () => {
    replica?.close();
    await panel?.stop();
    await lab?.stop();
  });

  const asResident = (method: string, path: string, body?: unknown) =>
    adminApi(lab.hub)(method, `${R}${path}`, body, resident);
  const shown = () => visibleDirectory(directory.read(), Date.now()).map((b) => b.displayText);

  it('a card blocked in the app is denied at the panel, and granted again once unblocked', async () => {
    expect((await tap(panel, UID)).body).toMatchObject({ granted: true });
    expect((await asResident('PATCH', '/cards/p1-card', { status: 'blocked' })).status).toBe(200);
    await until(async () => (await tap(panel, UID)).body.granted === false, 'the blocked card denied', 2000);
    expect((await asResident('PATCH', '/cards/p1-card', { status: 'active' })).status).toBe(200);
    await until(async () => (await tap(panel, UID)).body.granted === true, 'the card granted again', 2000);
  });

  it('with ?wait the answer says the block is in force, and the very next tap is denied', async () => {
    const blocked = await asResident('PATCH', '/cards/p1-card?wait=5000', { status: 'blocked' });
    expect(blocked.body).toMatchObject({
      status: 'blocked',
      panels: { applied: [{ panelId: 'p1' }], notApplied: [] },
    });
    expect((await tap(panel, UID)).body).toMatchObject({ granted: false });
    const active = await asResident('PATCH', '/cards/p1-card?wait=5000', { status: 'active' });
    expect(active.body.panels).toMatchObject({ applied: [{ panelId: 'p1' }], notApplied: [] });
    expect((await tap(panel, UID)).body).toMatchObject({ granted: true });
  });

  it('the bell text and hiding set in the app change the panel’s directory', async () => {
    expect(shown()).toEqual(['Resident of p1']);
    expect((await asResident('PATCH', '/doorbell/bells/bell-res', { displayText: 'R. Ek' })).status).toBe(
      200,
    );
    await until(() => shown()[0] === 'R. Ek', 'the new text on the panel', 2000);
    expect((await asResident('PATCH', '/doorbell', { hidden: true })).status).toBe(200);
    await until(() => shown().length === 0, 'the bell hidden on the panel', 2000);
    expect((await asResident('PATCH', '/doorbell', { hidden: false })).status).toBe(200);
    await until(() => shown().length === 1, 'the bell shown again', 2000);
  });
});
