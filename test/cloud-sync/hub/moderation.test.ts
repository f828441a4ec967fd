/**
 * Moderation by a building administrator: reset a resident's text, remove their picture, take them off
 * one panel's directory (access untouched). Each is one attributed change that reaches the panel's
 * snapshot at once; another building's administrator is refused and changes nothing; turning the
 * building's picture policy off takes pictures out of the snapshot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { type AdminApi, adminApi, bearer, buildingAdminSession, startTestHub } from '../../support/hub.ts';
import { type Broker, seed, startBroker } from './hub-harness.ts';

const PASSWORD = 'correct horse battery staple';
const PNG = `data:image/png;base64,${Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]).toString('base64')}`;

type Row = Record<string, unknown>;

describe('moderation', () => {
  let broker: Broker;
  let hub: Hub;
  let operator: AdminApi;
  const as: Record<string, (method: string, path: string, body?: unknown) => ReturnType<AdminApi>> = {};
  const clock = new FakeClock(Date.parse('2026-12-07T08:00:00Z'));
  const snapshot = (panelId: string) => hub.store.snapshots.rows(panelId)!;
  const bells = (panelId: string) => snapshot(panelId)['bells'] as Row[];

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startTestHub({ brokerUrl: broker.url, protocolVersion: 4, clock });
    operator = adminApi(hub);
    seed(hub);
    const e = hub.store.entities;
    e.update('buildings', 'b1', { picturesAllowed: true });
    e.create('residents', { id: 'carl', unitId: 'u1', name: 'Carl' });
    e.update('residents', 'alice', { picture: PNG });
    for (const p of ['p1', 'p2'])
      e.create('doorbells', {
        id: `alice-${p}`,
        panelId: p,
        residentId: 'alice',
        type: 'separate',
        displayText: 'Something rude',
      });
    e.create('doorbells', {
      id: 'family-p1',
      panelId: 'p1',
      unitId: 'u1',
      type: 'family',
      displayText: 'Svensson',
    });
    e.create('buildings', { id: 'b2', name: 'Other', timeZone: 'Europe/Stockholm' });
    for (const [name, b] of [
      ['karin', 'b1'],
      ['olle', 'b2'],
    ] as const) {
      const session = await buildingAdminSession(operator, clock, name, [b], PASSWORD);
      as[name] = (method, path, body) => operator(method, path, body, bearer(session));
    }
  });
  afterAll(async () => {
    await hub.stop();
    await broker.close();
  });

  it("refuses another building's administrator and changes nothing", async () => {
    const before = JSON.stringify([snapshot('p1'), snapshot('p2')]);
    expect((await as['olle']!('POST', '/api/v1/residents/alice/display-text/reset', {})).status).toBe(404);
    expect((await as['olle']!('DELETE', '/api/v1/residents/alice/picture')).status).toBe(404);
    expect((await as['olle']!('DELETE', '/api/v1/panels/p1/directory/alice')).status).toBe(404);
    expect(JSON.stringify([snapshot('p1'), snapshot('p2')])).toBe(before);
  });

  it("resets the text on one panel to the resident's name, attributed to the administrator", async () => {
    const reply = await as['karin']!('POST', '/api/v1/residents/alice/display-text/reset', { panelId: 'p1' });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ residentId: 'alice', changedBells: ['alice-p1'] });
    expect(reply.body.config.versions.map((v: { panelId: string }) => v.panelId)).toEqual(['p1']);
    expect(bells('p1').find((b) => b['id'] === 'alice-p1')!['displayText']).toBe('Alice');
    expect(bells('p2').find((b) => b['id'] === 'alice-p2')!['displayText']).toBe('Something rude');
    const changes = (await operator('GET', '/api/v1/admin/changes')).body.changes as Row[];
    expect(changes[0]).toMatchObject({ actor: 'karin', entity: 'doorbells', entityId: 'alice-p1' });
  });

  it('removes the picture; turning the building policy off removes pictures too', async () => {
    const residentRow = () => hub.store.snapshots.residentRow('p1', 'alice') as Row;
    expect(residentRow()['picture']).toBe(PNG);
    const reply = await as['karin']!('DELETE', '/api/v1/residents/alice/picture');
    expect(reply.status).toBe(200);
    expect(residentRow()['picture']).toBeNull();
    hub.store.entities.update('residents', 'alice', { picture: PNG });
    expect(residentRow()['picture']).toBe(PNG);
    await as['karin']!('PATCH', '/api/v1/buildings/b1', { picturesAllowed: false });
    expect(residentRow()['picture']).toBeNull();
  });

  it("takes the resident off one panel's directory and nothing else", async () => {
    const rulesBefore = hub.store.entities.list('accessRules', { residentId: 'alice' });
    const reply = await as['karin']!('DELETE', '/api/v1/panels/p1/directory/alice');
    expect(reply.status).toBe(200);
    expect(reply.body.removedBells).toEqual(['alice-p1']);
    expect(reply.body.changedBells).toEqual(['family-p1']);
    // One change, one publish for the panel.
    expect(reply.body.config.versions).toHaveLength(1);
    expect(bells('p1').map((b) => b['id'])).toEqual(['family-p1']);
    const members = snapshot('p1')['bellMembers'] as Row[];
    expect(members.map((m) => m['residentId']).sort()).toEqual(['bob', 'carl']);
    // Still on the other panel, and their access is as it was.
    expect(bells('p2').map((b) => b['id'])).toContain('alice-p2');
    expect(hub.store.entities.list('accessRules', { residentId: 'alice' })).toEqual(rulesBefore);
    // Again: nothing left to change.
    const again = await as['karin']!('DELETE', '/api/v1/panels/p1/directory/alice');
    expect(again.body).toMatchObject({ removedBells: [], changedBells: [] });
  });

  it('deletes a unit bell left with nobody to ring', async () => {
    await as['karin']!('DELETE', '/api/v1/panels/p1/directory/bob');
    const reply = await as['karin']!('DELETE', '/api/v1/panels/p1/directory/carl');
    expect(reply.body.removedBells).toEqual(['family-p1']);
    expect(bells('p1')).toEqual([]);
  });
});
