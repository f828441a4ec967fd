import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { MAX_APP_DEVICES } from '../../../cloud-sync/hub/residents/accounts.ts';
import { residentLoginReply } from '../../../cloud-sync/protocol/resident-api.ts';
import { importPublicKey, verifyCommand } from '../../../cloud-sync/protocol/signing.ts';
import { until } from '../../../scripts/lab/until.ts';
import { type AdminApi, AUTH, adminApi, bearer } from '../../support/hub.ts';
import { type Broker, type FakePanel, fakePanel, seed, startBroker } from './hub-harness.ts';
import { loginResident, startResidentHub, WS_URL } from './resident-harness.ts';

const JSON_ONLY = { 'content-type': 'application/json' };

describe('hub resident API', () => {
  let broker: Broker;
  let hub: Hub;
  let call: AdminApi;
  let panel: FakePanel;

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startResidentHub({
      brokerUrl: broker.url,
      residentApp: { loginLimits: { pair: { free: 3, baseMs: 60_000 } } },
    });
    call = adminApi(hub);
    seed(hub);
    const e = hub.store.entities;
    // A rule that starts tomorrow: listed, but not openable now.
    e.create('doors', { id: 'door-c', panelId: 'p1', name: 'Bike room' });
    e.create('accessRules', {
      id: 'r-alice-later',
      residentId: 'alice',
      doorId: 'door-c',
      validFrom: Date.now() + 86_400_000,
    });
    e.create('accessRules', { id: 'r-alice-b', residentId: 'alice', doorId: 'door-b' });
    e.create('residents', { id: 'carol', unitId: 'u1', name: 'Carol' });
    e.create('residents', { id: 'dave', unitId: 'u1', name: 'Dave' });
    // The unit's bell on p1: its residents' app devices go into p1's directory.
    e.create('doorbells', {
      id: 'bell-u1',
      panelId: 'p1',
      unitId: 'u1',
      type: 'family',
      displayText: 'Andersson',
    });
    panel = await fakePanel(broker.url, 'p2');
  });
  afterAll(async () => {
    await panel.close();
    await hub.stop();
    await broker.close();
  });

  it('lets only the admin set a login, and shows the password once', async () => {
    expect((await call('POST', '/api/v1/residents/alice/login', undefined, {})).status).toBe(401);
    expect((await call('POST', '/api/v1/residents/nobody/login', undefined, AUTH)).status).toBe(404);
    const set = await call('POST', '/api/v1/residents/bob/login', undefined, AUTH);
    expect(set.status).toBe(201);
    expect(set.body.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const storedHash = () => hub.store.sessions.loginHash('bob');
    expect(storedHash()).toMatch(/^scrypt\$/);
    expect(storedHash()).not.toContain(set.body.password);
  });

  it('logs a resident in on a new app device that reaches the panels directory', async () => {
    const { loginPassword: _, ...login } = await loginResident(call, 'alice', 'Alice phone');
    expect(residentLoginReply.parse(login)).toEqual(login);
    expect(login.appDeviceId).toMatch(/^app-[0-9a-f]{16}$/);
    expect(login.mqtt).toMatchObject({
      url: WS_URL,
      username: login.appDeviceId,
      clientId: login.appDeviceId,
    });
    expect(login.panels.map((p) => p.id).sort()).toEqual(['p1', 'p2']);
    expect(hub.store.entities.get('appDevices', login.appDeviceId)).toMatchObject({
      residentId: 'alice',
      name: 'Alice phone',
    });
    // The compiled snapshot of the panels carries the device, so the panel can ring it.
    await until(
      () => JSON.stringify(hub.store.panels.published('p1')?.snapshot ?? {}).includes(login.appDeviceId),
      'the app device in the published config',
    );
    const me = await call('GET', '/api/v1/resident/me', undefined, bearer(login.token));
    expect(me.body).toMatchObject({ residentId: 'alice', name: 'Alice', appDeviceId: login.appDeviceId });
  });

  it('refuses a wrong password, an unknown resident and a resident without a login alike', async () => {
    await call('POST', '/api/v1/residents/carol/login', undefined, AUTH);
    for (const residentId of ['carol', 'nobody', 'dave']) {
      const res = await call(
        'POST',
        '/api/v1/resident/login',
        { residentId, password: 'wrong-password', deviceName: 'x' },
        JSON_ONLY,
      );
      expect(res.status).toBe(401);
      expect(res.body.error.message).toBe('wrong resident id or password');
    }
    const bad = await call('POST', '/api/v1/resident/login', { residentId: 'carol' }, JSON_ONLY);
    expect(bad.status).toBe(400);
  });

  it('backs off failed logins per resident and address, even against the right password', async () => {
    const set = await call('POST', '/api/v1/residents/carol/login', undefined, AUTH);
    const attempt = (password: string) =>
      fetch(`http://127.0.0.1:${hub.apiAddress().port}/api/v1/resident/login`, {
        method: 'POST',
        headers: JSON_ONLY,
        body: JSON.stringify({ residentId: 'carol', password, deviceName: 'x' }),
      });
    // carol already failed once in the previous test
    expect((await attempt('nope-1')).status).toBe(401);
    expect((await attempt('nope-2')).status).toBe(401);
    const limited = await attempt(set.body.password);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBe(60);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
  });

  it('lists the doors the resident has a rule for, with panel and building, and whether they open now', async () => {
    const { token } = await loginResident(call, 'alice');
    expect((await call('GET', '/api/v1/resident/doors', undefined, {})).status).toBe(401);
    expect((await call('GET', '/api/v1/resident/doors', undefined, bearer('x'.repeat(43)))).status).toBe(401);
    // The admin token is no resident session.
    expect((await call('GET', '/api/v1/resident/doors', undefined, AUTH)).status).toBe(401);
    const res = await call('GET', '/api/v1/resident/doors', undefined, bearer(token));
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.doors.map((d: { doorId: string }) => [d.doorId, d]));
    expect(Object.keys(byId).sort()).toEqual(['door-a', 'door-b', 'door-c']);
    expect(byId['door-b']).toEqual({
      doorId: 'door-b',
      doorName: 'Door B',
      panelId: 'p2',
      panelName: 'Entrance B',
      buildingId: 'b1',
      buildingName: 'Storgatan 12',
      allowedNow: true,
      reason: null,
    });
    expect(byId['door-c']).toMatchObject({ allowedNow: false, reason: 'not allowed at this time' });
  });

  it('opens an allowed door with a signed command on behalf of the resident, and refuses the rest', async () => {
    const { token } = await loginResident(call, 'alice');
    const res = await call('POST', '/api/v1/resident/doors/door-b/open', undefined, bearer(token));
    expect(res.status).toBe(202);
    expect(res.body.panelId).toBe('p2');
    await until(() => panel.on('commands').length > 0, 'command at the panel');
    const key = await importPublicKey(hub.publicKey);
    const verified = await verifyCommand(key, panel.on('commands')[0]!.payload, {
      deviceId: 'p2',
      now: Date.now(),
    });
    if (!verified.ok) throw new Error(verified.detail);
    expect(verified.body.command).toMatchObject({
      type: 'door.open',
      doorId: 'door-b',
      onBehalfOf: { kind: 'resident', id: 'alice' },
    });
    for (const door of ['door-c', 'no-such-door']) {
      const refused = await call('POST', `/api/v1/resident/doors/${door}/open`, undefined, bearer(token));
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
    }
    const bob = await loginResident(call, 'bob');
    expect(
      (await call('POST', '/api/v1/resident/doors/door-a/open', undefined, bearer(bob.token))).status,
    ).toBe(403);

    // The panel's result reaches the resident; another resident cannot read it.
    await panel.publish('commands/result', {
      protocol: 1,
      nonce: res.body.nonce,
      status: 'done',
      at: Date.now(),
    });
    const path = `/api/v1/resident/commands/${res.body.nonce}`;
    await until(() => hub.store.commands.get(res.body.nonce, Date.now())?.status === 'done', 'result stored');
    expect((await call('GET', path, undefined, bearer(token))).body).toEqual({
      nonce: res.body.nonce,
      doorId: 'door-b',
      status: 'done',
      reason: null,
    });
    expect((await call('GET', path, undefined, bearer(bob.token))).status).toBe(404);
  });

  it('ends the session at logout and keeps the app device for the next login of the install', async () => {
    const login = await loginResident(call, 'bob');
    expect(hub.store.entities.find('appDevices', login.appDeviceId)).toBeDefined();
    const out = await call('POST', '/api/v1/resident/logout', undefined, bearer(login.token));
    expect(out.status).toBe(204);
    expect(hub.store.entities.find('appDevices', login.appDeviceId)).toBeDefined();
    expect((await call('GET', '/api/v1/resident/me', undefined, bearer(login.token))).status).toBe(401);
  });

  it('ends sessions when the admin removes the app device or the resident', async () => {
    const a = await loginResident(call, 'bob');
    await call('DELETE', `/api/v1/appDevices/${a.appDeviceId}`, undefined, AUTH);
    expect((await call('GET', '/api/v1/resident/me', undefined, bearer(a.token))).status).toBe(401);
    const b = await loginResident(call, 'bob');
    hub.store.entities.update('residents', 'bob', { status: 'removed' });
    expect((await call('GET', '/api/v1/resident/doors', undefined, bearer(b.token))).status).toBe(401);
    hub.store.entities.update('residents', 'bob', { status: 'active' });
  });

  it('keeps at most ten app devices per resident, dropping the least recently used', async () => {
    const first = await loginResident(call, 'dave');
    const later = [];
    for (let i = 0; i < MAX_APP_DEVICES; i++) {
      const res = await call(
        'POST',
        '/api/v1/resident/login',
        { residentId: 'dave', password: first.loginPassword, deviceName: `Device ${i}` },
        JSON_ONLY,
      );
      later.push(residentLoginReply.parse(res.body));
    }
    const devices = hub.store.entities.list('appDevices', { residentId: 'dave' }).map((d) => d['id']);
    expect(devices).toHaveLength(MAX_APP_DEVICES);
    expect(devices).not.toContain(first.appDeviceId);
    expect((await call('GET', '/api/v1/resident/me', undefined, bearer(first.token))).status).toBe(401);
    expect((await call('GET', '/api/v1/resident/me', undefined, bearer(later[0]!.token))).status).toBe(200);
  });

  it('documents the resident and broker routes in the OpenAPI document', async () => {
    const doc = await call('GET', '/api/v1/openapi.json', undefined, {});
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/residents/{id}/login',
        '/api/v1/resident/login',
        '/api/v1/resident/doors',
        '/api/v1/resident/doors/{doorId}/open',
        '/api/v1/resident/calls',
        '/api/v1/resident/profile',
        '/api/v1/resident/doorbell/picture',
        '/api/v1/resident/cards/{cardId}',
        '/api/v1/resident/devices/{deviceId}',
        '/api/v1/broker/auth',
        '/api/v1/broker/acl',
      ]),
    );
    expect(doc.body.paths['/api/v1/resident/login'].post.security).toEqual([]);
    expect(doc.body.components.securitySchemes).toHaveProperty('resident');
  });
});
