/**
 * The phone fallback's settings at the hub: a building's prompt and open digits, a sequential bell step's
 * `via`, through the admin API into the panels' snapshots; and snapshots from before the fields existed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePanelSnapshot } from '../../../cloud-sync/hub/config/compile.ts';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { buildingSnapshotSchema } from '../../../cloud-sync/protocol/building-snapshot.ts';
import { type AdminApi, adminApi } from '../../support/hub.ts';
import { type Broker, seed, startBroker, startHub } from './hub-harness.ts';

describe('phone fallback settings at the hub', () => {
  let broker: Broker;
  let hub: Hub;
  let call: AdminApi;

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startHub(broker.url);
    call = adminApi(hub);
    seed(hub);
    hub.store.entities.create('doorbells', {
      id: 'bell-u1',
      panelId: 'p1',
      unitId: 'u1',
      type: 'sequential',
      displayText: 'Andersson',
    });
  });
  afterAll(async () => {
    await hub.stop();
    await broker.close();
  });

  it("a building's prompt and open digits: defaults, set through the building endpoint, sent to its panels", async () => {
    expect((await call('GET', '/api/v1/buildings/b1')).body).toMatchObject({
      phonePrompt: null,
      phoneOpenDigits: '58',
    });
    const set = await call('PATCH', '/api/v1/buildings/b1', {
      phonePrompt: 'Besökare vid Storgatan 12. Tryck 5 för att öppna.',
      phoneOpenDigits: '5#',
    });
    expect(set.status).toBe(200);
    const building = compilePanelSnapshot(hub.store, 'p1').buildings.find((b) => b.id === 'b1');
    expect(building).toMatchObject({
      phonePrompt: 'Besökare vid Storgatan 12. Tryck 5 för att öppna.',
      phoneOpenDigits: '5#',
    });
    // Back to the panel's default prompt.
    expect((await call('PATCH', '/api/v1/buildings/b1', { phonePrompt: null })).body.phonePrompt).toBeNull();
  });

  it.each([
    [{ phoneOpenDigits: '' }, 'phoneOpenDigits'],
    [{ phoneOpenDigits: '12345' }, 'phoneOpenDigits'],
    [{ phoneOpenDigits: '5A' }, 'phoneOpenDigits'],
    [{ phonePrompt: 'x'.repeat(201) }, 'phonePrompt'],
    [{ phonePrompt: 'two\nlines' }, 'phonePrompt'],
    [{ phonePrompt: '   ' }, 'phonePrompt'],
  ])('refuses %j, naming the field, and changes nothing', async (body, name) => {
    const before = (await call('GET', '/api/v1/buildings/b1')).body;
    const res = await call('PATCH', '/api/v1/buildings/b1', body);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(name);
    expect((await call('GET', '/api/v1/buildings/b1')).body).toEqual(before);
  });

  it("a sequential bell's member rings by app (default) or by phone, with or without a number", async () => {
    const app = await call('POST', '/api/v1/doorbellMembers', {
      id: 'm-bob',
      doorbellId: 'bell-u1',
      residentId: 'bob',
      position: 0,
    });
    expect(app.body.via).toBe('app');
    // Alice has no phone number: allowed (the panel skips the step and records why).
    const phone = await call('POST', '/api/v1/doorbellMembers', {
      id: 'm-alice',
      doorbellId: 'bell-u1',
      residentId: 'alice',
      position: 1,
      via: 'phone',
    });
    expect(phone.status).toBe(201);
    expect(phone.body.via).toBe('phone');
    const bad = await call('PATCH', '/api/v1/doorbellMembers/m-bob', { via: 'sms' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('via');
    expect((await call('PATCH', '/api/v1/doorbellMembers/m-bob', { via: 'phone' })).body.via).toBe('phone');
    const members = compilePanelSnapshot(hub.store, 'p1').bellMembers;
    expect(members.map((m) => [m.id, m.via])).toEqual([
      ['m-alice', 'phone'],
      ['m-bob', 'phone'],
    ]);
  });

  it('a snapshot from before the phone fallback still parses, with the defaults', () => {
    const snapshot = buildingSnapshotSchema.parse({
      buildings: [{ id: 'b1', name: 'Storgatan 12', timeZone: 'Europe/Stockholm' }],
      units: [{ id: 'u1', buildingId: 'b1', name: '1101' }],
      residents: [{ id: 'alice', unitId: 'u1', name: 'Alice' }],
      bells: [{ id: 'bell', unitId: 'u1', type: 'sequential', displayText: 'A' }],
      bellMembers: [{ id: 'm', bellId: 'bell', residentId: 'alice' }],
    });
    expect(snapshot.buildings[0]).toMatchObject({ phonePrompt: null, phoneOpenDigits: '58' });
    expect(snapshot.bellMembers[0]?.via).toBe('app');
  });
});
