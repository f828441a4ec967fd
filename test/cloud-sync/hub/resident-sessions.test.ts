/**
 * Resident sessions on fake time, through the hub's real HTTP API and its broker auth backend: idle and
 * absolute expiry, revocation at logout, password reset and removal (the AppDeviceRevoker is told, the
 * auth backend refuses at once), the failed-login backoff per resident and address behind a trusted
 * proxy, the login and remote-open rate limits, and re-logins that publish no config version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePanelSnapshot } from '../../../cloud-sync/hub/config/compile.ts';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import type { AppDeviceRevoker } from '../../../cloud-sync/hub/residents/app-device-revoker.ts';
import { residentLoginReply } from '../../../cloud-sync/protocol/resident-api.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { until } from '../../../scripts/lab/until.ts';
import { type AdminApi, AUTH, adminApi, bearer } from '../../support/hub.ts';
import { type Broker, seed, startBroker } from './hub-harness.ts';
import { BROKER_SECRET, startResidentHub } from './resident-harness.ts';

const DAY = 86_400_000;
const BROKER = { authorization: `Bearer ${BROKER_SECRET}`, 'content-type': 'application/json' };

/** A broker integration that records what it was asked, and fails when told to. */
class RecordingRevoker implements AppDeviceRevoker {
  readonly calls: string[][] = [];
  failNext = 0;
  revoke(appDeviceIds: readonly string[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(new Error('broker unreachable'));
    }
    this.calls.push([...appDeviceIds]);
    return Promise.resolve();
  }
  get revoked(): string[] {
    return this.calls.flat();
  }
}

interface Sent {
  status: number;
  retryAfter: number | null;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  body: any;
}

interface World {
  broker: Broker;
  hub: Hub;
  clock: FakeClock;
  revoker: RecordingRevoker;
  call: AdminApi;
  send(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Sent>;
}

async function startWorld(trustedProxies: string[]): Promise<World> {
  const broker = await startBroker();
  const clock = new FakeClock();
  const revoker = new RecordingRevoker();
  const hub = await startResidentHub({
    brokerUrl: broker.url,
    clock,
    appDeviceRevoker: revoker,
    residentApp: {
      trustedProxies,
      rateLimits: {
        loginsPerAddress: { burst: 20, perMinute: 6 },
        opensPerResident: { burst: 3, perMinute: 6 },
      },
    },
  });
  seed(hub);
  // The unit's bell on p1: its residents' app devices are in p1's directory, so they count in its config.
  hub.store.entities.create('doorbells', {
    id: 'bell-u1',
    panelId: 'p1',
    unitId: 'u1',
    type: 'family',
    displayText: 'U1',
  });
  const base = `http://127.0.0.1:${hub.apiAddress().port}`;
  const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const retryAfter = res.headers.get('retry-after');
    return {
      status: res.status,
      retryAfter: retryAfter === null ? null : Number(retryAfter),
      body: text ? JSON.parse(text) : undefined,
    };
  };
  return { broker, hub, clock, revoker, call: adminApi(hub), send };
}

async function stopWorld(w: World): Promise<void> {
  await w.hub.stop();
  await w.broker.close();
}

let residentCount = 0;

/** A new resident of unit u1 with a login; returns its id and password. */
async function newResident(w: World): Promise<{ residentId: string; password: string }> {
  const residentId = `res-${++residentCount}`;
  w.hub.store.entities.create('residents', {
    id: residentId,
    unitId: 'u1',
    name: `Resident ${residentCount}`,
  });
  const set = await w.call('POST', `/api/v1/residents/${residentId}/login`, undefined, AUTH);
  expect(set.status).toBe(201);
  return { residentId, password: set.body.password };
}

function login(
  w: World,
  who: { residentId: string; password: string },
  o: { address?: string; appDeviceId?: string } = {},
): Promise<Sent> {
  return w.send(
    'POST',
    '/api/v1/resident/login',
    {
      residentId: who.residentId,
      password: who.password,
      deviceName: 'Phone',
      ...(o.appDeviceId ? { appDeviceId: o.appDeviceId } : {}),
    },
    o.address ? { 'x-forwarded-for': o.address } : {},
  );
}

async function loggedIn(w: World, who: { residentId: string; password: string }, o = {}) {
  const res = await login(w, who, o);
  expect(res.status).toBe(201);
  return residentLoginReply.parse(res.body);
}

/** Whether p1's compiled config names the app device (panels ring only devices in their directory). */
const inP1Config = (w: World, appDeviceId: string) =>
  JSON.stringify(compilePanelSnapshot(w.hub.store, 'p1')).includes(appDeviceId);

const me = async (w: World, token: string) =>
  (await w.send('GET', '/api/v1/resident/me', undefined, bearer(token))).status;
const brokerAuth = async (w: World, mqtt: { username: string; password: string }) =>
  (await w.send('POST', '/api/v1/broker/auth', { username: mqtt.username, password: mqtt.password }, BROKER))
    .status;

describe('resident session expiry and revocation', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld(['127.0.0.1']);
  });
  afterAll(() => stopWorld(w));

  it('ends a session left idle for 30 days, however often it was used before, and its broker login', async () => {
    const s = await loggedIn(w, await newResident(w));
    w.clock.advance(29 * DAY);
    expect(await me(w, s.token)).toBe(200);
    w.clock.advance(29 * DAY);
    expect(await me(w, s.token)).toBe(200);
    expect(await brokerAuth(w, s.mqtt!)).toBe(200);
    w.clock.advance(30 * DAY);
    expect(await me(w, s.token)).toBe(401);
    expect(await brokerAuth(w, s.mqtt!)).toBe(403);
    await until(() => w.revoker.revoked.includes(s.appDeviceId), 'the expired session to be revoked', 5000);
  });

  it('ends a session 90 days after its login even when it is used every day', async () => {
    const s = await loggedIn(w, await newResident(w));
    for (let day = 1; day < 90; day++) {
      w.clock.advance(DAY);
      if (day % 10 === 0) expect(await brokerAuth(w, s.mqtt!)).toBe(200);
    }
    expect(await me(w, s.token)).toBe(200);
    w.clock.advance(DAY);
    expect(await brokerAuth(w, s.mqtt!)).toBe(403);
    expect(await me(w, s.token)).toBe(401);
  });

  it('sweeps an expired session whose app only stays connected, and revokes its broker connection', async () => {
    const s = await loggedIn(w, await newResident(w));
    w.clock.advance(30 * DAY);
    // The sweep runs every minute of hub time; each poll lets one more minute pass until it has run.
    await until(
      () => {
        w.clock.advance(60_000);
        return w.revoker.revoked.includes(s.appDeviceId);
      },
      'the sweep to revoke the idle session',
      5000,
    );
    expect(await brokerAuth(w, s.mqtt!)).toBe(403);
  });

  it('revokes the session at logout, before answering, and keeps the app device', async () => {
    const s = await loggedIn(w, await newResident(w));
    expect(await brokerAuth(w, s.mqtt!)).toBe(200);
    const out = await w.send('POST', '/api/v1/resident/logout', undefined, bearer(s.token));
    expect(out.status).toBe(204);
    expect(w.revoker.revoked).toContain(s.appDeviceId);
    expect(await brokerAuth(w, s.mqtt!)).toBe(403);
    expect(await me(w, s.token)).toBe(401);
    expect(w.hub.store.entities.find('appDevices', s.appDeviceId)).toBeDefined();
  });

  it('removes an app device left without a session for an hour, so panels stop ringing it', async () => {
    // Earlier tests' logged-out devices go first, so that this one's removal is the only change below.
    w.clock.advance(2 * 3_600_000);
    await w.hub.residents.sweep();
    const who = await newResident(w);
    const s = await loggedIn(w, who);
    expect((await w.send('POST', '/api/v1/resident/logout', undefined, bearer(s.token))).status).toBe(204);
    const version = w.hub.store.pendingPatches.currentVersion('p1')!;
    w.clock.advance(59 * 60_000);
    await w.hub.residents.sweep();
    expect(w.hub.store.entities.find('appDevices', s.appDeviceId)).toBeDefined();
    expect(inP1Config(w, s.appDeviceId)).toBe(true);
    w.clock.advance(60_000);
    await w.hub.residents.sweep();
    expect(w.hub.store.entities.find('appDevices', s.appDeviceId)).toBeUndefined();
    expect(inP1Config(w, s.appDeviceId)).toBe(false);
    expect(w.hub.store.pendingPatches.currentVersion('p1')).toBe(version + 1);
    // The install's next login gets a new app device (the old id is not re-created).
    const again = await loggedIn(w, who, { appDeviceId: s.appDeviceId });
    expect(again.appDeviceId).not.toBe(s.appDeviceId);
  });

  it('revokes every session of a resident whose password is reset', async () => {
    const who = await newResident(w);
    const phone = await loggedIn(w, who);
    const tablet = await loggedIn(w, who);
    const before = w.revoker.calls.length;
    const reset = await w.call('POST', `/api/v1/residents/${who.residentId}/login`, undefined, AUTH);
    expect(reset.status).toBe(201);
    expect(w.revoker.calls.slice(before).flat().sort()).toEqual(
      [phone.appDeviceId, tablet.appDeviceId].sort(),
    );
    for (const s of [phone, tablet]) {
      expect(await me(w, s.token)).toBe(401);
      expect(await brokerAuth(w, s.mqtt!)).toBe(403);
    }
    // The old password is gone, the new one works.
    expect((await login(w, who)).status).toBe(401);
    expect((await login(w, { ...who, password: reset.body.password })).status).toBe(201);
  });

  it('revokes sessions when the admin removes an app device, deactivates or removes the resident', async () => {
    const who = await newResident(w);
    const a = await loggedIn(w, who);
    expect((await w.call('DELETE', `/api/v1/appDevices/${a.appDeviceId}`, undefined, AUTH)).status).toBe(204);
    await until(
      () => w.revoker.revoked.includes(a.appDeviceId),
      'the removed app device to be revoked',
      5000,
    );
    expect(await brokerAuth(w, a.mqtt!)).toBe(403);

    const b = await loggedIn(w, who);
    const patched = await w.call('PATCH', `/api/v1/residents/${who.residentId}`, { status: 'removed' }, AUTH);
    expect(patched.status).toBe(200);
    await until(
      () => w.revoker.revoked.includes(b.appDeviceId),
      'the deactivated resident to be revoked',
      5000,
    );
    expect(await brokerAuth(w, b.mqtt!)).toBe(403);

    await w.call('PATCH', `/api/v1/residents/${who.residentId}`, { status: 'active' }, AUTH);
    const c = await loggedIn(w, who);
    expect((await w.call('DELETE', `/api/v1/residents/${who.residentId}`, undefined, AUTH)).status).toBe(204);
    await until(() => w.revoker.revoked.includes(c.appDeviceId), 'the removed resident to be revoked', 5000);
    expect(await brokerAuth(w, c.mqtt!)).toBe(403);
  });

  it('retries a revocation the broker did not confirm, while the auth backend refuses at once', async () => {
    const s = await loggedIn(w, await newResident(w));
    w.revoker.failNext = 1;
    expect((await w.send('POST', '/api/v1/resident/logout', undefined, bearer(s.token))).status).toBe(204);
    expect(w.revoker.revoked).not.toContain(s.appDeviceId);
    expect(w.hub.residents.revocations.failures).toBe(1);
    expect(await brokerAuth(w, s.mqtt!)).toBe(403);
    w.clock.advance(1000);
    await until(() => w.revoker.revoked.includes(s.appDeviceId), 'the retried revocation', 5000);
    expect(w.hub.residents.revocations.failures).toBe(0);
  });

  it('re-uses the app device of an install: logins and logouts publish no config version after the first', async () => {
    const who = await newResident(w);
    const first = await loggedIn(w, who, { address: '198.51.100.10' });
    const version = w.hub.store.pendingPatches.currentVersion('p1');
    expect(version).toBeDefined();
    expect(inP1Config(w, first.appDeviceId)).toBe(true);
    let previous = first;
    for (let i = 0; i < 10; i++) {
      expect(
        (await w.send('POST', '/api/v1/resident/logout', undefined, bearer(previous.token))).status,
      ).toBe(204);
      const again = await loggedIn(w, who, { address: '198.51.100.10', appDeviceId: first.appDeviceId });
      expect(again.appDeviceId).toBe(first.appDeviceId);
      expect(again.token).not.toBe(previous.token);
      expect(again.mqtt!.password).not.toBe(previous.mqtt!.password);
      previous = again;
    }
    expect(w.hub.store.pendingPatches.currentVersion('p1')).toBe(version);
    // A device that is logged in is not taken over by a second login naming it: that gets its own.
    const second = await loggedIn(w, who, { address: '198.51.100.10', appDeviceId: first.appDeviceId });
    expect(second.appDeviceId).not.toBe(first.appDeviceId);
    expect(await me(w, previous.token)).toBe(200);
    expect(await brokerAuth(w, previous.mqtt!)).toBe(200);
    // Another resident's app device id is not taken over: the login gets a device of its own.
    const other = await loggedIn(w, await newResident(w), { appDeviceId: first.appDeviceId });
    expect(other.appDeviceId).not.toBe(first.appDeviceId);
    expect(await brokerAuth(w, previous.mqtt!)).toBe(200);
  });
});

describe('resident login backoff and rate limits', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld(['127.0.0.1']);
  });
  afterAll(() => stopWorld(w));

  it('backs off an attacker per resident and address, while the resident logs in from elsewhere', async () => {
    const who = await newResident(w);
    const wrong = { ...who, password: 'not-the-password' };
    expect((await login(w, who, { address: '203.0.113.1' })).status).toBe(201);
    for (let i = 0; i < 3; i++)
      expect((await login(w, wrong, { address: '198.51.100.66' })).status).toBe(401);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const refused = await login(w, who, { address: '198.51.100.66' });
      expect(refused.status).toBe(429);
      waits.push(refused.retryAfter!);
      // The resident, from their own address, is never held up by it.
      expect((await login(w, who, { address: '203.0.113.1' })).status).toBe(201);
      w.clock.advance(refused.retryAfter! * 1000);
      expect((await login(w, wrong, { address: '198.51.100.66' })).status).toBe(401);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16]);
  });

  it('slows a resident guessed at from many addresses on new addresses only, and briefly', async () => {
    const who = await newResident(w);
    expect((await login(w, who, { address: '203.0.113.2' })).status).toBe(201);
    const wrong = { ...who, password: 'not-the-password' };
    // Ten failures from ten addresses: each pair is still free, but the resident's guard is now on.
    for (let i = 0; i < 10; i++)
      expect((await login(w, wrong, { address: `192.0.2.${i + 1}` })).status).toBe(401);
    const fresh = await login(w, who, { address: '203.0.113.99' });
    expect(fresh.status).toBe(429);
    expect(fresh.retryAfter).toBeLessThanOrEqual(60);
    expect((await login(w, who, { address: '203.0.113.2' })).status).toBe(201);
    w.clock.advance(fresh.retryAfter! * 1000);
    expect((await login(w, who, { address: '203.0.113.99' })).status).toBe(201);
  });

  it('limits login attempts per address with 429 and Retry-After', async () => {
    const who = await newResident(w);
    for (let i = 0; i < 20; i++)
      expect((await login(w, who, { address: '198.51.100.200' })).status).toBe(201);
    const limited = await login(w, who, { address: '198.51.100.200' });
    expect(limited.status).toBe(429);
    expect(limited.retryAfter).toBe(10);
    expect(limited.body.error.code).toBe('rate_limited');
    expect((await login(w, who, { address: '198.51.100.201' })).status).toBe(201);
    w.clock.advance(10_000);
    expect((await login(w, who, { address: '198.51.100.200' })).status).toBe(201);
  });

  it('limits remote opens per resident over all their sessions with 429 and Retry-After', async () => {
    const who = { residentId: 'bob', password: '' };
    who.password = (await w.call('POST', '/api/v1/residents/bob/login', undefined, AUTH)).body.password;
    const phone = await loggedIn(w, who);
    const tablet = await loggedIn(w, who);
    const open = (token: string) =>
      w.send('POST', '/api/v1/resident/doors/door-b/open', undefined, bearer(token));
    expect((await open(phone.token)).status).toBe(202);
    expect((await open(tablet.token)).status).toBe(202);
    expect((await open(phone.token)).status).toBe(202);
    const limited = await open(tablet.token);
    expect(limited.status).toBe(429);
    expect(limited.retryAfter).toBe(10);
    w.clock.advance(10_000);
    expect((await open(tablet.token)).status).toBe(202);
  });
});

describe('resident logins without a trusted proxy', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld([]);
  });
  afterAll(() => stopWorld(w));

  it('ignores X-Forwarded-For from an untrusted peer: the header cannot pick a fresh address', async () => {
    const who = await newResident(w);
    const wrong = { ...who, password: 'not-the-password' };
    for (let i = 0; i < 3; i++)
      expect((await login(w, wrong, { address: `192.0.2.${i + 1}` })).status).toBe(401);
    // All three came from 127.0.0.1, whatever they claimed: the next claimed address is held up too.
    expect((await login(w, wrong, { address: '192.0.2.50' })).status).toBe(429);
  });
});
