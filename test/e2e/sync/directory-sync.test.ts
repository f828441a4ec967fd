import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bellTarget, panelSite, visibleDirectory } from '../../../device/intercom/directory.ts';
import { DirectoryLookup } from '../../../device/store/directory-lookup.ts';
import { adminApi } from '../../support/hub.ts';
import type { PanelProcess } from '../../support/panel-process.ts';
import {
  BUILDING,
  type Lab,
  panelEvents,
  startLab,
  startSyncPanel,
  waitForConfigApplied,
} from './harness.ts';

// The doorbell directory an administrator edits at the hub reaches a running panel's replica over a real
// broker, as a patch, and changes what the panel shows and whom a bell rings.
describe('doorbell directory synced from the hub', () => {
  let lab: Lab;
  let panel: PanelProcess;
  let replica: Database.Database;
  let directory: DirectoryLookup;

  beforeAll(async () => {
    lab = await startLab({ panelIds: ['p1'] });
    panel = await startSyncPanel(lab.panels['p1']!);
    // A second, read-only connection to the panel's store, as a backup tool would open it.
    replica = new Database((lab.panels['p1']!.config['store'] as { path: string }).path, { readonly: true });
    directory = new DirectoryLookup(replica);
  });
  afterAll(async () => {
    replica?.close();
    await panel?.stop();
    await lab?.stop();
  });

  const applied = async (): Promise<void> => {
    await waitForConfigApplied(lab.hub, 'p1');
  };
  const lastApplyKind = async () =>
    (await panelEvents(panel)).filter((e) => e.type === 'config.applied').at(-1)?.data['kind'];

  it('a bell added at the hub appears on the panel, with its resident and app device', async () => {
    const call = adminApi(lab.hub);
    const doorId = lab.panels['p1']!.doorId;
    // The flat number and the building's language travel with the rows they belong to.
    await call('POST', '/api/v1/units', { id: 'u1', buildingId: BUILDING, name: '1101', number: '1101' });
    await call('PATCH', `/api/v1/buildings/${BUILDING}`, { language: 'nb' });
    await call('POST', '/api/v1/residents', { id: 'anna', unitId: 'u1', name: 'Anna Andersson' });
    await call('POST', '/api/v1/residents', { id: 'erik', unitId: 'u1', name: 'Erik Andersson' });
    await call('POST', '/api/v1/appDevices', { id: 'app-anna-phone', residentId: 'anna', name: 'Phone' });
    await applied();
    const bell = await call('POST', '/api/v1/doorbells', {
      id: 'bell-anna',
      panelId: 'p1',
      residentId: 'anna',
      type: 'separate',
      displayText: 'Anna Andersson',
      doorId,
    });
    expect(bell.status).toBe(201);
    await applied();
    expect(await lastApplyKind()).toBe('patch');
    expect(visibleDirectory(directory.read(), Date.now())).toEqual([
      {
        bellId: 'bell-anna',
        type: 'separate',
        displayText: 'Anna Andersson',
        picture: null,
        unitName: '1101',
        unitNumber: '1101',
        memberNames: [],
      },
    ]);
    expect(panelSite(directory.read(), 'Entrance').defaultLanguage).toBe('nb');
    expect(bellTarget(directory.read(), 'bell-anna', Date.now())).toMatchObject({
      callees: [{ residentId: 'anna', devices: ['app-anna-phone'], hidden: false }],
      doorId,
    });
  });

  it('changes to bells, members and hiding reach the panel as patches', async () => {
    const call = adminApi(lab.hub);
    await call('POST', '/api/v1/doorbells', {
      id: 'bell-1101',
      panelId: 'p1',
      unitId: 'u1',
      type: 'sequential',
      displayText: 'Andersson',
      stepS: 20,
    });
    await call('POST', '/api/v1/doorbellMembers', {
      id: 'm-erik',
      doorbellId: 'bell-1101',
      residentId: 'erik',
    });
    await call('POST', '/api/v1/doorbellMembers', {
      id: 'm-anna',
      doorbellId: 'bell-1101',
      residentId: 'anna',
      position: 1,
      ringS: 30,
    });
    const hidden = await call('PATCH', '/api/v1/residents/anna', { hidden: true });
    expect(hidden.body).toMatchObject({ hidden: true });
    await applied();
    expect(await lastApplyKind()).toBe('patch');

    const now = Date.now();
    expect(visibleDirectory(directory.read(), now).map((e) => e.bellId)).toEqual(['bell-1101']);
    expect(bellTarget(directory.read(), 'bell-1101', now)).toMatchObject({
      type: 'sequential',
      stepS: 20,
      callees: [
        { residentId: 'erik', devices: [], hidden: false },
        { residentId: 'anna', devices: ['app-anna-phone'], hidden: true, ringS: 30 },
      ],
    });

    await call('DELETE', '/api/v1/doorbells/bell-1101');
    await call('PATCH', '/api/v1/residents/anna', { hidden: false });
    await applied();
    expect(visibleDirectory(directory.read(), Date.now()).map((e) => e.bellId)).toEqual(['bell-anna']);
    expect(replica.prepare('SELECT count(*) FROM bell_members').pluck().get()).toBe(0);
  });
});
