/**
 * The authorization matrix of building administrators: every admin table, every method, against a row
 * of their own building and one of another building (refused as absent, nothing changes), plus the
 * routes beyond CRUD and the change log. Built from the entity table, so a new table is covered at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { ENTITY_NAMES, type EntityName } from '../../../cloud-sync/hub/store/entity-specs.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { type AdminApi, adminApi, bearer, buildingAdminSession, startTestHub } from '../../support/hub.ts';
import { type Broker, startBroker } from './hub-harness.ts';

const PASSWORD = 'correct horse battery staple';

/** One row of every table in building `b` (ids suffixed with it), in creation order. */
function rowsOf(b: string): [EntityName, Record<string, unknown>][] {
  return [
    ['buildings', { id: b, name: `Building ${b}`, timeZone: 'Europe/Stockholm' }],
    ['panels', { id: `p-${b}`, name: 'Entrance', buildingId: b }],
    ['doors', { id: `d-${b}`, panelId: `p-${b}`, name: 'Front door' }],
    ['units', { id: `u-${b}`, buildingId: b, name: '1101' }],
    ['residents', { id: `r-${b}`, unitId: `u-${b}`, name: 'Anna' }],
    ['cards', { id: `c-${b}`, uid: b === 'b1' ? '04A1B2C3' : '04D4E5F6', residentId: `r-${b}` }],
    [
      'timeProfiles',
      {
        id: `t-${b}`,
        buildingId: b,
        name: 'Office',
        intervals: [{ weekday: 1, startMinute: 480, endMinute: 1020 }],
      },
    ],
    ['accessRules', { id: `a-${b}`, residentId: `r-${b}`, doorId: `d-${b}`, timeProfileId: `t-${b}` }],
    [
      'doorbells',
      { id: `bell-${b}`, panelId: `p-${b}`, unitId: `u-${b}`, type: 'family', displayText: 'Andersson' },
    ],
    ['doorbellMembers', { id: `m-${b}`, doorbellId: `bell-${b}`, residentId: `r-${b}` }],
    ['appDevices', { id: `app-${b}`, residentId: `r-${b}`, name: 'Phone' }],
  ];
}

describe('building administrators see and change only their buildings', () => {
  let broker: Broker;
  let hub: Hub;
  let operator: AdminApi;
  let karin: (method: string, path: string, body?: unknown) => ReturnType<AdminApi>;
  const clock = new FakeClock(Date.parse('2026-12-07T08:00:00Z'));

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startTestHub({ brokerUrl: broker.url, protocolVersion: 4, clock });
    operator = adminApi(hub);
    for (const b of ['b1', 'b2'])
      for (const [name, row] of rowsOf(b))
        expect((await operator('POST', `/api/v1/${name}`, row)).status, `${name} ${b}`).toBe(201);
    const session = await buildingAdminSession(operator, clock, 'karin', ['b1'], PASSWORD);
    karin = (method, path, body) => operator(method, path, body, bearer(session));
  });
  afterAll(async () => {
    await hub.stop();
    await broker.close();
  });

  it('covers every admin table', () => {
    expect(
      rowsOf('b1')
        .map(([name]) => name)
        .sort(),
    ).toEqual([...ENTITY_NAMES].sort());
  });

  it('lists and reads only rows of her building', async () => {
    for (const [name, row] of rowsOf('b1')) {
      const list = await karin('GET', `/api/v1/${name}`);
      expect(list.status, name).toBe(200);
      expect(
        list.body[name].map((r: { id: string }) => r.id),
        name,
      ).toEqual([row['id']]);
      expect((await karin('GET', `/api/v1/${name}/${row['id']}`)).status, name).toBe(200);
    }
    for (const [name, row] of rowsOf('b2')) {
      const read = await karin('GET', `/api/v1/${name}/${row['id']}`);
      expect(read.status, name).toBe(404);
    }
  });

  it("cannot change or delete another building's rows, nor create rows that point into it", async () => {
    const before = await snapshot();
    for (const [name, row] of rowsOf('b2')) {
      expect((await karin('PATCH', `/api/v1/${name}/${row['id']}`, {})).status, `PATCH ${name}`).toBe(404);
      expect((await karin('DELETE', `/api/v1/${name}/${row['id']}`)).status, `DELETE ${name}`).toBe(404);
      if (name === 'buildings') continue;
      // The same row under a new id, still pointing at building b2's rows.
      const copy = { ...row, id: `${row['id']}-copy`, ...(name === 'cards' ? { uid: '04FFFFFF' } : {}) };
      const created = await karin('POST', `/api/v1/${name}`, copy);
      expect([403, 404], `POST ${name}: ${created.status}`).toContain(created.status);
    }
    // Moving her resident into the other building's unit is refused too.
    expect((await karin('PATCH', '/api/v1/residents/r-b1', { unitId: 'u-b2' })).status).toBe(404);
    // Routes beyond CRUD.
    expect((await karin('POST', '/api/v1/cards/c-b2/block')).status).toBe(404);
    expect(
      (await karin('POST', '/api/v1/doors/d-b2/open', { onBehalfOf: { kind: 'admin', id: 'karin' } })).status,
    ).toBe(404);
    expect((await karin('GET', '/api/v1/panels/p-b2')).status).toBe(404);
    expect((await karin('POST', '/api/v1/panels/p-b2/config-epoch')).status).toBe(404);
    expect((await karin('GET', '/api/v1/events?panel=p-b2')).status).toBe(404);
    expect((await karin('GET', '/api/v1/events?building=b2')).status).toBe(404);
    expect((await karin('GET', '/api/v1/events.csv?panel=p-b2')).status).toBe(404);
    expect((await karin('POST', '/api/v1/events/stream-ticket', { building: 'b2' })).status).toBe(404);
    expect((await karin('POST', '/api/v1/residents/r-b2/login')).status).toBe(404);
    // The operator's own: buildings, panels, signing keys, accounts.
    expect((await karin('POST', '/api/v1/buildings', { id: 'b3', name: 'X', timeZone: 'UTC' })).status).toBe(
      403,
    );
    expect((await karin('POST', '/api/v1/panels', { id: 'p-new', name: 'X', buildingId: 'b1' })).status).toBe(
      403,
    );
    expect((await karin('DELETE', '/api/v1/panels/p-b1')).status).toBe(403);
    expect((await karin('GET', '/api/v1/signing-keys')).status).toBe(403);
    expect((await karin('POST', '/api/v1/signing-keys/rotation', { step: 'begin' })).status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it('changes her own building, and the change log says who did what, to her and to the operator', async () => {
    expect((await karin('PATCH', '/api/v1/residents/r-b1', { name: 'Anna Andersson' })).status).toBe(200);
    expect((await karin('POST', '/api/v1/cards/c-b1/block')).status).toBe(200);
    const created = await karin('POST', '/api/v1/units', { id: 'u-b1-2', buildingId: 'b1', name: '1102' });
    expect(created.status).toBe(201);
    const mine = (await karin('GET', '/api/v1/admin/changes?limit=3')).body.changes;
    expect(
      mine.map((c: { action: string; entity: string; entityId: string; actor: string }) => [
        c.actor,
        c.action,
        c.entity,
        c.entityId,
      ]),
    ).toEqual([
      ['karin', 'create', 'units', 'u-b1-2'],
      ['karin', 'update', 'cards', 'c-b1'],
      ['karin', 'update', 'residents', 'r-b1'],
    ]);
    expect(mine[2].detail).toEqual({ name: 'Anna Andersson' });
    // Her log holds building b1 only; the operator's holds both, the setup attributed to the token.
    const all = (await karin('GET', '/api/v1/admin/changes?limit=1000')).body.changes;
    expect(new Set(all.map((c: { buildingId: string }) => c.buildingId))).toEqual(new Set(['b1']));
    expect((await karin('GET', '/api/v1/admin/changes?building=b2')).body.changes).toEqual([]);
    const ops = (await operator('GET', '/api/v1/admin/changes?limit=1000')).body.changes;
    expect(
      ops.some(
        (c: { buildingId: string; actor: string }) => c.buildingId === 'b2' && c.actor === 'operator-token',
      ),
    ).toBe(true);
  });

  /** Every row of both buildings, as the operator sees them. */
  async function snapshot(): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const name of ENTITY_NAMES) out[name] = (await operator('GET', `/api/v1/${name}`)).body[name];
    return out;
  }
});
