/**
 * Unit owners: an administrator names the owner; the owner chooses the unit's doorbell type per panel
 * (separate, family, business), sequential and parallel stay the administrator's; each switch is one
 * attributed change and one publish; other residents and other units' owners are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { unitDoorbellsReply } from '../../../cloud-sync/protocol/unit-owner.ts';
import { type AdminApi, adminApi } from '../../support/hub.ts';
import { type Broker, seed, startBroker } from './hub-harness.ts';
import { loginResident, startResidentHub } from './resident-harness.ts';

type Row = Record<string, unknown>;

describe('unit owners choose their doorbell type', () => {
  let broker: Broker;
  let hub: Hub;
  let call: AdminApi;
  let alice: (method: string, path: string, body?: unknown) => ReturnType<AdminApi>;
  let bob: typeof alice;
  let dora: typeof alice;
  const bells = (panelId: string) =>
    (hub.store.snapshots.rows(panelId)!['bells'] as Row[]).map((b) => b['type']);

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startResidentHub({ brokerUrl: broker.url });
    call = adminApi(hub);
    seed(hub);
    const e = hub.store.entities;
    e.create('units', { id: 'u2', buildingId: 'b1', name: '1102' });
    e.create('residents', { id: 'dora', unitId: 'u2', name: 'Dora' });
    e.create('doorbells', {
      id: 'alice-p1',
      panelId: 'p1',
      residentId: 'alice',
      type: 'separate',
      displayText: 'A. Svensson',
      doorId: 'door-a',
      ringTimeoutS: 45,
    });
    e.create('doorbells', {
      id: 'bob-p1',
      panelId: 'p1',
      residentId: 'bob',
      type: 'separate',
      displayText: 'Bob',
    });
    e.create('doorbells', {
      id: 'seq-p2',
      panelId: 'p2',
      unitId: 'u1',
      type: 'sequential',
      displayText: 'Svensson',
    });
    e.create('doorbells', {
      id: 'dora-p1',
      panelId: 'p1',
      residentId: 'dora',
      type: 'separate',
      displayText: 'Dora',
    });
    const session = async (id: string) => {
      const { token } = await loginResident(call, id);
      return (method: string, path: string, body?: unknown) =>
        call(method, path, body, { authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    };
    alice = await session('alice');
    bob = await session('bob');
    dora = await session('dora');
  });
  afterAll(async () => {
    await hub.stop();
    await broker.close();
  });

  it('lets an administrator name a resident of the unit as owner, and only such a resident', async () => {
    expect((await call('PUT', '/api/v1/units/u1/owner', { residentId: 'dora' })).status).toBe(404);
    const set = await call('PUT', '/api/v1/units/u1/owner', { residentId: 'alice' });
    expect(set.body).toEqual({ unitId: 'u1', ownerResidentId: 'alice' });
    expect((await call('GET', '/api/v1/units/u1/owner')).body.ownerResidentId).toBe('alice');
    const changes = (await call('GET', '/api/v1/admin/changes')).body.changes as Row[];
    expect(changes[0]).toMatchObject({
      entity: 'unitOwners',
      entityId: 'u1',
      detail: { ownerResidentId: 'alice' },
    });
  });

  it("refuses residents who do not own a unit, and other units' panels", async () => {
    const refused = await bob('GET', '/api/v1/resident/unit');
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/only your unit's owner/);
    expect(
      (await bob('PUT', '/api/v1/resident/unit/panels/p1/doorbell', { type: 'family', displayText: 'X' }))
        .status,
    ).toBe(403);
    expect((await dora('GET', '/api/v1/resident/unit')).status).toBe(403);
    expect((await call('GET', '/api/v1/resident/unit', undefined, {})).status).toBe(401);
    expect(bells('p1')).toEqual(['separate', 'separate', 'separate']);
  });

  it('shows the owner the unit per panel', async () => {
    const view = unitDoorbellsReply.parse((await alice('GET', '/api/v1/resident/unit')).body);
    expect(view.panels).toEqual([
      {
        panelId: 'p1',
        panelName: 'Entrance A',
        type: 'separate',
        ownerMayChange: true,
        displayText: null,
        members: [],
      },
      {
        panelId: 'p2',
        panelName: 'Entrance B',
        type: 'sequential',
        ownerMayChange: false,
        displayText: 'Svensson',
        members: [],
      },
    ]);
  });

  it('switches to family and back to separate in one change each, keeping door and timing', async () => {
    const family = await alice('PUT', '/api/v1/resident/unit/panels/p1/doorbell', {
      type: 'family',
      displayText: 'Svensson',
    });
    expect(family.status).toBe(200);
    expect(family.body.config.versions).toHaveLength(1);
    const p1 = () => hub.store.entities.list('doorbells', { panelId: 'p1' });
    const unitBell = p1().find((b) => b.unitId === 'u1')!;
    expect(unitBell).toMatchObject({
      type: 'family',
      displayText: 'Svensson',
      doorId: 'door-a',
      ringTimeoutS: 45,
    });
    // Dora's bell (another unit) is untouched.
    expect(p1().map((b) => b.id)).toContain('dora-p1');
    const changes = (await call('GET', '/api/v1/admin/changes')).body.changes as Row[];
    expect(changes[0]!['actor']).toBe('resident:alice');
    const separate = await alice('PUT', '/api/v1/resident/unit/panels/p1/doorbell', { type: 'separate' });
    expect(separate.status).toBe(200);
    const texts = p1()
      .filter((b) => b.residentId === 'alice' || b.residentId === 'bob')
      .map((b) => b.displayText)
      .sort();
    // Back to separate: each resident's bell with their name (the family bell replaced their old texts).
    expect(texts).toEqual(['Alice', 'Bob']);
  });

  it('sets a business bell with its reception group of unit residents only', async () => {
    const wrong = await alice('PUT', '/api/v1/resident/unit/panels/p1/doorbell', {
      type: 'business',
      displayText: 'AB',
      members: ['dora'],
    });
    expect(wrong.status).toBe(400);
    const ok = await alice('PUT', '/api/v1/resident/unit/panels/p1/doorbell', {
      type: 'business',
      displayText: 'Svensson AB',
      members: ['bob'],
    });
    expect(ok.status).toBe(200);
    const view = ok.body.panels.find((p: Row) => p['panelId'] === 'p1');
    expect(view).toMatchObject({ type: 'business', displayText: 'Svensson AB', members: ['bob'] });
  });

  it("keeps sequential and parallel the administrator's, with a clear message", async () => {
    const asked = await alice('PUT', '/api/v1/resident/unit/panels/p1/doorbell', { type: 'sequential' });
    expect(asked.status).toBe(403);
    expect(asked.body.error.message).toMatch(/set by the building's administrator/);
    const held = await alice('PUT', '/api/v1/resident/unit/panels/p2/doorbell', {
      type: 'family',
      displayText: 'S',
    });
    expect(held.status).toBe(403);
    expect(held.body.error.message).toMatch(/is sequential, which only the building's administrator changes/);
    expect(bells('p2')).toEqual(['sequential']);
    expect(
      (await alice('PUT', '/api/v1/resident/unit/panels/nope/doorbell', { type: 'separate' })).status,
    ).toBe(404);
  });

  it('forgets an owner who moves to another unit', async () => {
    await call('PATCH', '/api/v1/residents/alice', { unitId: 'u2' });
    expect((await call('GET', '/api/v1/units/u1/owner')).body.ownerResidentId).toBeNull();
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await call('GET', '/api/v1/openapi.json')).body;
    expect(doc.paths['/api/v1/units/{id}/owner']?.put).toBeDefined();
    expect(doc.paths['/api/v1/resident/unit']?.get).toBeDefined();
    expect(doc.paths['/api/v1/resident/unit/panels/{panelId}/doorbell']?.put).toBeDefined();
  });
});
