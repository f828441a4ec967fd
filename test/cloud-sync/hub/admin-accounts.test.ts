/**
 * Administrator accounts at the hub: the two-step login with a TOTP second factor (enrolment on the first
 * login, codes usable once, single-use recovery codes), session expiry on the hub's clock, and the
 * operator's account management. The hub runs on a FakeClock, so TOTP steps and expiry are exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../../cloud-sync/hub/accounts/totp.ts';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { type AdminApi, adminApi, bearer, startTestHub } from '../../support/hub.ts';
import { type Broker, startBroker } from './hub-harness.ts';

const PASSWORD = 'correct horse battery staple';

describe('administrator accounts', () => {
  let broker: Broker;
  let hub: Hub;
  let call: AdminApi;
  const clock = new FakeClock(Date.parse('2026-12-07T08:00:00Z'));

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startTestHub({ brokerUrl: broker.url, protocolVersion: 4, clock });
    call = adminApi(hub);
    await call('POST', '/api/v1/buildings', { id: 'b1', name: 'Storgatan 12', timeZone: 'Europe/Stockholm' });
  });
  afterAll(async () => {
    await hub.stop();
    await broker.close();
  });

  const publicCall = (method: string, path: string, body?: unknown) =>
    call(method, path, body, { 'content-type': 'application/json' });
  const as = (token: string) => (method: string, path: string, body?: unknown) =>
    call(method, path, body, bearer(token));

  async function createAccount(username: string, extra: Record<string, unknown> = {}) {
    const created = await call('POST', '/api/v1/admin/accounts', {
      username,
      displayName: username,
      role: 'building_admin',
      password: PASSWORD,
      buildingIds: ['b1'],
      ...extra,
    });
    expect(created.status).toBe(201);
    return created.body as { id: string };
  }

  /** Logs in, enrolling the second factor; returns the session and what enrolment showed. */
  async function enrol(username: string) {
    const first = await publicCall('POST', '/api/v1/admin/login', { username, password: PASSWORD });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      next: 'enrol_totp',
      otpauthUri: expect.stringMatching(/^otpauth:\/\/totp\//),
    });
    const secret = first.body.secret as string;
    const done = await publicCall('POST', '/api/v1/admin/login/second-factor', {
      loginToken: first.body.loginToken,
      code: totpCode(secret, clock.now()),
    });
    expect(done.status).toBe(200);
    return {
      secret,
      session: done.body.sessionToken as string,
      recovery: done.body.recoveryCodes as string[],
    };
  }

  async function login(username: string, code: string) {
    const first = await publicCall('POST', '/api/v1/admin/login', { username, password: PASSWORD });
    expect(first.body.next).toBe('totp');
    return publicCall('POST', '/api/v1/admin/login/second-factor', {
      loginToken: first.body.loginToken,
      code,
    });
  }

  it('enrols TOTP at the first login, then needs password and a code; the session works until logout', async () => {
    await createAccount('karin');
    const { session, recovery } = await enrol('karin');
    expect(recovery).toHaveLength(10);
    expect(new Set(recovery).size).toBe(10);
    const me = await as(session)('GET', '/api/v1/admin/me');
    expect(me.body).toEqual({
      actor: 'karin',
      accountId: expect.any(String),
      role: 'building_admin',
      buildingIds: ['b1'],
    });
    // Not the operator: account management is refused.
    expect((await as(session)('GET', '/api/v1/admin/accounts')).status).toBe(403);
    const accounts = await call('GET', '/api/v1/admin/accounts');
    expect(accounts.body.accounts).toEqual([
      expect.objectContaining({ username: 'karin', totpEnrolled: true, buildingIds: ['b1'] }),
    ]);
    expect(JSON.stringify(accounts.body)).not.toMatch(/scrypt|secret/i);
    expect((await as(session)('POST', '/api/v1/admin/logout')).status).toBe(204);
    expect((await as(session)('GET', '/api/v1/admin/me')).status).toBe(401);
  });

  it('takes each code once, and each recovery code once; a half-open login opens nothing', async () => {
    await createAccount('nils');
    clock.advance(30_000);
    const { secret, recovery } = await enrol('nils');
    // The enrolment used this step's code: the same code is a replay.
    const replay = await login('nils', totpCode(secret, clock.now()));
    expect(replay.status).toBe(401);
    expect(replay.body.error.message).toMatch(/wrong or already used code/);
    clock.advance(30_000);
    const ok = await login('nils', totpCode(secret, clock.now()));
    expect(ok.status).toBe(200);
    expect((await login('nils', '000000')).status).toBe(401);

    const byRecovery = await login('nils', recovery[0]!.toUpperCase());
    expect(byRecovery.status).toBe(200);
    expect(byRecovery.body.recoveryCodesLeft).toBe(9);
    expect((await login('nils', recovery[0]!)).status).toBe(401);

    // The password alone gives a login token, which is no session.
    const half = await publicCall('POST', '/api/v1/admin/login', { username: 'nils', password: PASSWORD });
    expect((await as(half.body.loginToken)('GET', '/api/v1/admin/me')).status).toBe(401);
    expect((await as(half.body.loginToken)('GET', '/api/v1/buildings')).status).toBe(401);
  });

  it('answers a wrong username and a wrong password alike, and refuses a disabled account', async () => {
    const { id } = await createAccount('olga');
    const unknown = await publicCall('POST', '/api/v1/admin/login', {
      username: 'nobody',
      password: PASSWORD,
    });
    const wrong = await publicCall('POST', '/api/v1/admin/login', {
      username: 'olga',
      password: 'wrong password!!',
    });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
    const { session } = await enrol('olga');
    expect((await call('PATCH', `/api/v1/admin/accounts/${id}`, { disabled: true })).status).toBe(200);
    // Disabling ends the account's sessions at once, and the password no longer logs in.
    expect((await as(session)('GET', '/api/v1/admin/me')).status).toBe(401);
    expect(
      (await publicCall('POST', '/api/v1/admin/login', { username: 'olga', password: PASSWORD })).status,
    ).toBe(401);
  });

  it('ends sessions after 30 idle minutes, and after 12 hours however busy', async () => {
    await createAccount('petra');
    clock.advance(60_000);
    const { session } = await enrol('petra');
    clock.advance(29 * 60_000);
    expect((await as(session)('GET', '/api/v1/admin/me')).status).toBe(200);
    clock.advance(31 * 60_000);
    expect((await as(session)('GET', '/api/v1/admin/me')).status).toBe(401);

    const { id } = await createAccount('rut');
    clock.advance(60_000);
    const busy = (await enrol('rut')).session;
    // Used every 25 minutes: never idle, and still ended 12 hours after the login.
    for (let i = 0; i < 28; i++) {
      expect((await as(busy)('GET', '/api/v1/admin/me')).status, `after ${i * 25} min`).toBe(200);
      clock.advance(25 * 60_000);
    }
    clock.advance(25 * 60_000);
    expect((await as(busy)('GET', '/api/v1/admin/me')).status).toBe(401);
    // An operator resets a lost phone: the next login enrols again.
    await call('POST', `/api/v1/admin/accounts/${id}/reset-second-factor`);
    const again = await publicCall('POST', '/api/v1/admin/login', { username: 'rut', password: PASSWORD });
    expect(again.body.next).toBe('enrol_totp');
  });

  it('refuses bad account input with a message and creates nothing', async () => {
    const cases: [unknown, RegExp][] = [
      [{ username: 'x', displayName: 'X', role: 'operator', password: PASSWORD }, /username/],
      [{ username: 'short-pass', displayName: 'X', role: 'operator', password: 'abc' }, /at least 12/],
      [{ username: 'no-building', displayName: 'X', role: 'building_admin', password: PASSWORD }, /building/],
      [
        {
          username: 'ghost-b',
          displayName: 'X',
          role: 'building_admin',
          password: PASSWORD,
          buildingIds: ['nope'],
        },
        /no building/,
      ],
      [{ username: 'karin', displayName: 'X', role: 'operator', password: PASSWORD }, /exists already/],
    ];
    const before = (await call('GET', '/api/v1/admin/accounts')).body.accounts.length;
    for (const [body, message] of cases) {
      const reply = await call('POST', '/api/v1/admin/accounts', body);
      expect(reply.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(reply.status).toBeLessThan(500);
      expect(JSON.stringify(reply.body.error)).toMatch(message);
    }
    expect((await call('GET', '/api/v1/admin/accounts')).body.accounts.length).toBe(before);
  });
});
