/**
 * The authorization matrix of issue 12: every admin, unit-owner and resident route that names an object
 * of building b2, for every role that has no business there — the building administrator of b1, the
 * owner of a unit in b1, a plain resident of b1, no credential — is refused (401, 403 or 404; never a 2xx,
 * never a 400 that would confirm the id), and nothing at the hub changes. The operator and b2's own
 * administrator and owner are the controls: the same routes work for them, so the matrix can fail.
 * (admin-scope.test.ts covers the generic CRUD tables the same way, per table.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { type AdminApi, adminApi, bearer, buildingAdminSession } from '../../support/hub.ts';
import { type Broker, startBroker } from './hub-harness.ts';
import { loginResident, startResidentHub } from './resident-harness.ts';

const PASSWORD = 'correct horse battery staple';

/** The rows of building `b`; ids end in `-b`. */
function rowsOf(b: string): [string, Record<string, unknown>][] {
  return [
    ['buildings', { id: b, name: `Building ${b}`, timeZone: 'Europe/Stockholm', picturesAllowed: true }],
    ['panels', { id: `p-${b}`, name: 'Entrance', buildingId: b }],
    ['doors', { id: `d-${b}`, panelId: `p-${b}`, name: 'Front door' }],
    ['units', { id: `u-${b}`, buildingId: b, name: '1101' }],
    ['residents', { id: `r-${b}`, unitId: `u-${b}`, name: 'Anna' }],
    ['residents', { id: `r2-${b}`, unitId: `u-${b}`, name: 'Bertil' }],
    ['cards', { id: `c-${b}`, uid: b === 'b1' ? '04A1B2C3' : '04D4E5F6', residentId: `r-${b}` }],
    ['accessRules', { id: `a-${b}`, residentId: `r-${b}`, doorId: `d-${b}` }],
    [
      'doorbells',
      { id: `bell-${b}`, panelId: `p-${b}`, residentId: `r-${b}`, type: 'separate', displayText: 'Anna' },
    ],
    ['appDevices', { id: `app-${b}-x`, residentId: `r-${b}`, name: 'Phone' }],
  ];
}

type Call = (method: string, path: string, body?: unknown) => ReturnType<AdminApi>;

/** Every route that names an object of b2 (the JSON body where the route takes one). */
const ADMIN_ROUTES: [string, string, unknown?][] = [
  ['POST', '/api/v1/residents/r-b2/invite'],
  ['POST', '/api/v1/residents/r-b2/login'],
  ['POST', '/api/v1/residents/r-b2/display-text/reset', {}],
  ['POST', '/api/v1/residents/r-b1/display-text/reset', { panelId: 'p-b2' }],
  ['DELETE', '/api/v1/residents/r-b2/picture'],
  ['DELETE', '/api/v1/panels/p-b2/directory/r-b2'],
  ['DELETE', '/api/v1/panels/p-b2/directory/r-b1'],
  ['DELETE', '/api/v1/panels/p-b1/directory/r-b2'],
  ['GET', '/api/v1/units/u-b2/owner'],
  ['PUT', '/api/v1/units/u-b2/owner', { residentId: 'r2-b2' }],
  ['PUT', '/api/v1/units/u-b1/owner', { residentId: 'r-b2' }],
  ['GET', '/api/v1/events?building=b2'],
  ['GET', '/api/v1/events?panel=p-b2'],
  ['GET', '/api/v1/events.csv?building=b2'],
  ['POST', '/api/v1/events/stream-ticket', { building: 'b2' }],
  ['POST', '/api/v1/events/stream-ticket', { panel: 'p-b2' }],
  ['GET', '/api/v1/residents/r-b2'],
  ['PATCH', '/api/v1/residents/r-b2', { name: 'X' }],
  ['DELETE', '/api/v1/residents/r-b2'],
  ['PATCH', '/api/v1/doorbells/bell-b2', { displayText: 'X' }],
  ['POST', '/api/v1/cards/c-b2/block'],
  ['POST', '/api/v1/doors/d-b2/open', { onBehalfOf: { kind: 'admin', id: 'x' }, reason: 'test' }],
  ['GET', '/api/v1/panels/p-b2'],
];
const RESIDENT_ROUTES: [string, string, unknown?][] = [
  ['PUT', '/api/v1/resident/unit/panels/p-b2/doorbell', { type: 'family', displayText: 'X' }],
  ['PUT', '/api/v1/resident/unit/panels/p-b2/doorbell', { type: 'separate' }],
  ['PATCH', '/api/v1/resident/doorbell/bells/bell-b2', { displayText: 'X' }],
  ['PATCH', '/api/v1/resident/cards/c-b2', { status: 'blocked' }],
  ['DELETE', '/api/v1/resident/devices/app-b2-x'],
  ['POST', '/api/v1/resident/doors/d-b2/open'],
];

describe('authorization matrix: objects of another building', () => {
  let broker: Broker;
  let hub: Hub;
  let call: AdminApi;
  const roles: Record<string, Call> = {};
  const clock = new FakeClock(Date.parse('2026-12-07T08:00:00Z'));

  const admin = async (username: string, buildingIds: string[]): Promise<Call> => {
    const session = await buildingAdminSession(call, clock, username, buildingIds, PASSWORD);
    return (method, path, body) => call(method, path, body, bearer(session));
  };
  const resident = async (id: string): Promise<Call> => {
    const { token } = await loginResident(call, id);
    return (method, path, body) => call(method, path, body, bearer(token));
  };
  /** Everything a refused request could have changed. */
  const state = () =>
    JSON.stringify({
      rows: ['residents', 'cards', 'doorbells', 'doorbellMembers', 'appDevices', 'units'].map((n) =>
        hub.store.entities.list(n as 'residents'),
      ),
      owners: ['u-b1', 'u-b2'].map((u) => hub.store.unitOwners.ownerOf(u)),
      snapshots: ['p-b1', 'p-b2'].map((p) => hub.store.snapshots.rows(p)),
      streams: hub.eventStreams.openCount,
      changes: hub.store.adminChanges.list({ limit: 1 })[0]?.seq,
    });

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startResidentHub({ brokerUrl: broker.url, clock });
    call = adminApi(hub);
    for (const b of ['b1', 'b2'])
      for (const [name, row] of rowsOf(b))
        expect((await call('POST', `/api/v1/${name}`, row)).status).toBe(201);
    hub.store.unitOwners.set('u-b1', 'r-b1');
    hub.store.unitOwners.set('u-b2', 'r-b2');
    roles['building admin of b1'] = await admin('karin', ['b1']);
    roles['unit owner in b1'] = await resident('r-b1');
    roles['resident of b1'] = await resident('r2-b1');
    roles['no credential'] = (method, path, body) =>
      call(method, path, body, body === undefined ? {} : { 'content-type': 'application/json' });
  });
  afterAll(async () => {
    await hub.stop();
    await broker.close();
  });

  it('refuses every role every route on the other building, and changes nothing', async () => {
    const before = state();
    const allowed: string[] = [];
    for (const [role, as] of Object.entries(roles))
      for (const [method, path, body] of [...ADMIN_ROUTES, ...RESIDENT_ROUTES]) {
        const reply = await as(method, path, body);
        if (![401, 403, 404].includes(reply.status))
          allowed.push(`${role}: ${method} ${path} → ${reply.status}`);
      }
    expect(allowed).toEqual([]);
    expect(state()).toBe(before);
  });

  it("lets b2's own administrator and owner (and the operator) use the same routes", async () => {
    const olle = await admin('olle', ['b2']);
    const owner = await resident('r-b2');
    expect((await olle('GET', '/api/v1/units/u-b2/owner')).status).toBe(200);
    expect((await olle('GET', '/api/v1/events?building=b2')).status).toBe(200);
    expect((await olle('POST', '/api/v1/residents/r2-b2/invite')).status).toBe(201);
    expect((await olle('POST', '/api/v1/residents/r-b2/display-text/reset', {})).status).toBe(200);
    expect(
      (await owner('PUT', '/api/v1/resident/unit/panels/p-b2/doorbell', { type: 'separate' })).status,
    ).toBe(200);
    expect((await call('DELETE', '/api/v1/panels/p-b2/directory/r-b2')).status).toBe(200);
  });
});
