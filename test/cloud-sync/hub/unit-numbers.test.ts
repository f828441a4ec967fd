/**
 * Flat numbers and the building language at the hub: through the admin API (and its OpenAPI document)
 * into the panels' snapshots, unique within a building (another building may reuse a number), and the
 * CSV import's unit_number column with its duplicates refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePanelSnapshot } from '../../../cloud-sync/hub/config/compile.ts';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { ADMIN_TOKEN, type AdminApi, adminApi } from '../../support/hub.ts';
import { type Broker, seed, startBroker, startHub } from './hub-harness.ts';

const CSV = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/csv' };

describe('flat numbers and the building language at the hub', () => {
  let broker: Broker;
  let hub: Hub;
  let call: AdminApi;

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startHub(broker.url);
    call = adminApi(hub);
    seed(hub);
    hub.store.entities.create('buildings', { id: 'b2', name: 'Storgatan 14', timeZone: 'Europe/Oslo' });
    hub.store.entities.create('doorbells', {
      id: 'bell-u1',
      panelId: 'p1',
      unitId: 'u1',
      type: 'family',
      displayText: 'Andersson',
    });
  });
  afterAll(async () => {
    await hub.stop();
    await broker.close();
  });

  const units = async () =>
    ((await call('GET', '/api/v1/units?buildingId=b1')).body.units as { id: string; number: string | null }[])
      .map((u) => [u.id, u.number])
      .sort();
  const importCsv = (csv: string, dryRun: boolean) =>
    call('POST', `/api/v1/buildings/b1/import?dryRun=${dryRun}`, csv, CSV);

  it('a unit has no number until given one; its number and the language reach the panel', async () => {
    expect((await call('GET', '/api/v1/units/u1')).body.number).toBeNull();
    expect((await call('GET', '/api/v1/buildings/b1')).body.language).toBe('en');
    expect((await call('PATCH', '/api/v1/units/u1', { number: '0101' })).body.number).toBe('0101');
    expect((await call('PATCH', '/api/v1/buildings/b1', { language: 'sv' })).body.language).toBe('sv');
    const snapshot = compilePanelSnapshot(hub.store, 'p1');
    expect(snapshot.units.find((u) => u.id === 'u1')?.number).toBe('0101');
    expect(snapshot.buildings.find((b) => b.id === 'b1')?.language).toBe('sv');
    // Found by number through the list filter, as any field is.
    expect(
      (await call('GET', '/api/v1/units?number=0101')).body.units.map((u: { id: string }) => u.id),
    ).toEqual(['u1']);
  });

  it('refuses a number another unit of the building has, naming it; another building may reuse it', async () => {
    const twice = await call('POST', '/api/v1/units', {
      id: 'u2',
      buildingId: 'b1',
      name: '1102',
      number: '0101',
    });
    expect(twice.status).toBe(400);
    expect(twice.body.error.message).toContain('unit "u1" of the building already has number "0101"');
    expect((await call('GET', '/api/v1/units/u2')).status).toBe(404);
    const created = await call('POST', '/api/v1/units', {
      id: 'u2',
      buildingId: 'b1',
      name: '1102',
      number: '0102',
    });
    expect(created.status).toBe(201);
    const taken = await call('PATCH', '/api/v1/units/u2', { number: '0101' });
    expect(taken.status).toBe(400);
    expect((await call('GET', '/api/v1/units/u2')).body.number).toBe('0102');
    const elsewhere = await call('POST', '/api/v1/units', {
      id: 'b2-u1',
      buildingId: 'b2',
      name: '1',
      number: '0101',
    });
    expect(elsewhere.status).toBe(201);
    // Saving a unit with its own number again is no conflict.
    expect((await call('PATCH', '/api/v1/units/u1', { name: 'A 0101' })).status).toBe(200);
  });

  it.each([
    ['units/u1', { number: '' }, 'number'],
    ['units/u1', { number: '12a' }, 'number'],
    ['units/u1', { number: '123456789' }, 'number'],
    ['units/u1', { number: 101 }, 'number'],
    ['buildings/b1', { language: 'de' }, 'language'],
    ['buildings/b1', { language: null }, 'language'],
  ])('refuses PATCH %s %j, naming the field, and changes nothing', async (path, body, field) => {
    const before = (await call('GET', `/api/v1/${path}`)).body;
    const res = await call('PATCH', `/api/v1/${path}`, body);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(field);
    expect((await call('GET', `/api/v1/${path}`)).body).toEqual(before);
  });

  it('the OpenAPI document describes both fields', async () => {
    const doc = JSON.stringify((await call('GET', '/api/v1/openapi.json')).body);
    expect(doc).toContain('"language"');
    expect(doc).toContain('"nb"');
    expect(doc).toMatch(/"number":\{[^}]*"pattern":"\^\[0-9\]\{1,8\}\$"/);
  });

  it('imports flat numbers: sets them on new and existing units; duplicates are refused and change nothing', async () => {
    const before = await units();
    const bad = [
      'unit_id,unit_name,unit_number,name',
      'u1,,0101,Alice', // 2: its own number again: fine
      'u3,A 1103,0103,Cecilia', // 3: good
      'u4,A 1104,0103,David', // 4: the number line 3 gave u3
      'u3,,0109,Cecilia', // 5: u3 numbered otherwise on line 3
      'u5,A 1105,0102,Erik', // 6: u2 has 0102 at the hub
      'u6,A 1106,12x,Frida', // 7: not digits
    ].join('\n');
    for (const dryRun of [true, false]) {
      const res = await importCsv(bad, dryRun);
      expect(res.status).toBe(422);
      expect(
        res.body.errors.map((e: { line: number; column: string; code: string }) => [
          e.line,
          e.column,
          e.code,
        ]),
      ).toEqual([
        [4, 'unit_number', 'duplicate_number'],
        [5, 'unit_number', 'conflict'],
        [6, 'unit_number', 'number_taken'],
        [7, 'unit_number', 'invalid'],
      ]);
      expect(await units()).toEqual(before);
    }
    const good = [
      'unit_id,unit_name,unit_number,name',
      'u3,A 1103,0103,Cecilia',
      'u2,,0112,Bertil',
      'u1,,,Alice',
    ];
    const res = await importCsv(good.join('\n'), false);
    expect(res.status).toBe(200);
    expect(res.body.summary.units).toEqual({ created: 1, updated: 1, unchanged: 1 });
    // An empty cell leaves the number as it is.
    expect(await units()).toEqual([
      ['u1', '0101'],
      ['u2', '0112'],
      ['u3', '0103'],
    ]);
    const again = await importCsv(good.join('\n'), false);
    expect(again.body.summary.units).toEqual({ created: 0, updated: 0, unchanged: 3 });
  });
});
