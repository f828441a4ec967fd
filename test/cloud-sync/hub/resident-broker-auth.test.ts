import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { type AdminApi, adminApi, bearer } from '../../support/hub.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { type Broker, seed, startBroker } from './hub-harness.ts';
import { BROKER_SECRET, loginResident, startResidentHub } from './resident-harness.ts';

const NO_SECRET = { authorization: '', 'content-type': 'application/json' };
const BROKER = { authorization: `Bearer ${BROKER_SECRET}`, 'content-type': 'application/json' };

describe('hub broker auth backend and static app', () => {
  let broker: Broker;
  let hub: Hub;
  let call: AdminApi;
  const webDir = tempDir();

  beforeAll(async () => {
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(webDir, 'app.js'), 'console.log(1)');
    writeFileSync(join(webDir, 'notes.txt'), 'not served: unknown type');
    broker = await startBroker();
    hub = await startResidentHub({ brokerUrl: broker.url, webDir });
    call = adminApi(hub);
    seed(hub);
  });
  afterAll(async () => {
    await hub.stop();
    await broker.close();
  });

  it('answers the broker about app device logins, and only with the broker secret', async () => {
    const login = await loginResident(call, 'alice');
    const mqtt = login.mqtt!;
    const auth = (body: unknown, headers = BROKER) => call('POST', '/api/v1/broker/auth', body, headers);
    expect(await auth({ username: mqtt.username, password: mqtt.password, clientid: mqtt.clientId })).toEqual(
      {
        status: 200,
        body: { result: 'allow', ok: true, kind: 'app_device' },
      },
    );
    // A client id other than the username would let this login take another device's session.
    expect(
      (await auth({ username: mqtt.username, password: mqtt.password, clientid: 'app-0000000000000000' }))
        .status,
    ).toBe(403);
    expect(await auth({ username: mqtt.username, password: `${mqtt.password}x` })).toEqual({
      status: 403,
      body: { result: 'deny', ok: false },
    });
    // Panels and the hub are the broker's own users, never app devices.
    expect((await auth({ username: 'p1', password: mqtt.password })).status).toBe(403);
    expect((await auth({ username: 'app-0000000000000000', password: mqtt.password })).status).toBe(403);
    expect((await auth({ username: mqtt.username, password: mqtt.password }, bearer('wrong'))).status).toBe(
      401,
    );
    expect((await auth({ username: mqtt.username, password: mqtt.password }, NO_SECRET)).status).toBe(401);
    expect((await auth({ password: 'x' })).status).toBe(400);

    await call('POST', '/api/v1/resident/logout', undefined, bearer(login.token));
    expect((await auth({ username: mqtt.username, password: mqtt.password })).status).toBe(403);
  });

  it('applies the app device ACL: its own call topics only', async () => {
    const { appDeviceId: me } = await loginResident(call, 'alice');
    const { appDeviceId: other } = await loginResident(call, 'bob');
    const acl = async (topic: string, access: Record<string, unknown>, username = me) =>
      (await call('POST', '/api/v1/broker/acl', { username, topic, ...access }, BROKER)).body.result;
    const root = 'portvakt/v1/devices';
    expect(await acl(`${root}/+/calls/to/${me}`, { access: 'subscribe' })).toBe('allow');
    expect(await acl(`${root}/p1/calls/to/${me}`, { access: 'read' })).toBe('allow');
    expect(await acl(`${root}/p1/calls/from/${me}`, { access: 'write' })).toBe('allow');
    expect(await acl(`${root}/p1/calls/from/${me}`, { access: 'publish' })).toBe('allow');
    // mosquitto-go-auth's numeric form: 1 read, 2 write, 4 subscribe
    expect(await acl(`${root}/p1/calls/to/${me}`, { acc: 1 })).toBe('allow');
    expect(await acl(`${root}/p1/calls/from/${me}`, { acc: 2 })).toBe('allow');
    expect(await acl(`${root}/+/calls/to/${me}`, { acc: 4 })).toBe('allow');
    for (const [topic, access] of [
      [`${root}/p1/calls/from/${other}`, 'write'],
      [`${root}/p1/calls/to/${me}`, 'write'],
      [`${root}/p1/calls/from/${me}`, 'read'],
      [`${root}/+/calls/to/${other}`, 'subscribe'],
      [`${root}/+/calls/from/+`, 'subscribe'],
      [`${root}/${me}/calls/to/${other}`, 'write'],
      [`${root}/+/calls/from/${me}`, 'write'],
      [`${root}/p1/commands`, 'write'],
      ['#', 'subscribe'],
    ] as const) {
      expect(await acl(topic, { access }), `${access} ${topic}`).toBe('deny');
    }
    expect(await acl(`${root}/p1/calls/to/p1`, { access: 'read' }, 'p1')).toBe('deny');
    expect((await call('POST', '/api/v1/broker/acl', { username: me, topic: 'x' }, BROKER)).status).toBe(400);
  });

  it("lets an app device write calls only to panels of its resident's buildings", async () => {
    const e = hub.store.entities;
    e.create('buildings', { id: 'b2', name: 'Other street 1', timeZone: 'Europe/Stockholm' });
    e.create('panels', { id: 'p9', name: 'Elsewhere', buildingId: 'b2' });
    const { appDeviceId: me } = await loginResident(call, 'alice');
    const acl = async (topic: string, body: Record<string, unknown> = {}) =>
      (await call('POST', '/api/v1/broker/acl', { username: me, topic, access: 'write', ...body }, BROKER))
        .body.result;
    const root = 'portvakt/v1/devices';
    expect(await acl(`${root}/p1/calls/from/${me}`)).toBe('allow');
    expect(await acl(`${root}/p2/calls/from/${me}`)).toBe('allow');
    expect(await acl(`${root}/p9/calls/from/${me}`)).toBe('deny');
    expect(await acl(`${root}/p1/calls/from/${me}`, { clientid: 'someone-else' })).toBe('deny');
  });

  it('serves the built resident app at /app/ without a token, and nothing else from its folder', async () => {
    const base = `http://127.0.0.1:${hub.apiAddress().port}`;
    const index = await fetch(`${base}/app/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await index.text()).toContain('<title>app</title>');
    const js = await fetch(`${base}/app/app.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const moved = await fetch(`${base}/app`, { redirect: 'manual' });
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe('/app/');
    expect((await fetch(`${base}/app/notes.txt`)).status).toBe(404);
    expect((await fetch(`${base}/app/missing.js`)).status).toBe(404);
    expect((await fetch(`${base}/app/app.js`, { method: 'POST' })).status).toBe(405);
    for (const path of [
      '/app/..%2f..%2fpackage.json',
      '/app/%2e%2e/%2e%2e/package.json',
      '/app/../package.json',
    ]) {
      expect(await rawGet(hub, path), path).not.toBe(200);
    }
  });
});

/** A GET with the path sent exactly as written (fetch would normalize dot segments). */
function rawGet(hub: Hub, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: hub.apiAddress().port, path }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}
