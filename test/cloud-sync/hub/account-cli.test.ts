/**
 * `portvakt-hub account …`: an operator creates the first WebAdmin accounts without curl. The password the
 * CLI prints logs in at a hub on the same data dir (TOTP enrolled at that first login); bad arguments
 * change nothing; a new password, a second-factor reset and disabling take effect at the running hub.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../../cloud-sync/hub/accounts/totp.ts';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { type AdminApi, adminApi, bearer, startTestHub } from '../../support/hub.ts';
import { hubCli } from '../../support/hub-cli.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { type Broker, startBroker } from './hub-harness.ts';

describe('portvakt-hub account', () => {
  const data = tempDir('portvakt-hub-');
  const run = (...argv: string[]) => hubCli(data, ...argv);
  const clock = new FakeClock(Date.parse('2026-12-07T08:00:00Z'));
  let broker: Broker;
  let hub: Hub;
  let call: AdminApi;

  beforeAll(async () => {
    expect(
      (await run('building', 'add', '--id', 'b1', '--name', 'S', '--time-zone', 'Europe/Oslo')).code,
    ).toBe(0);
    broker = await startBroker();
    hub = await startTestHub({ brokerUrl: broker.url, protocolVersion: 4, clock, dataDir: data });
    call = adminApi(hub);
  });
  afterAll(async () => {
    await hub.stop();
    await broker.close();
  });

  const publicCall = (method: string, path: string, body?: unknown) =>
    call(method, path, body, { 'content-type': 'application/json' });

  async function login(username: string, password: string, secret?: string) {
    const first = await publicCall('POST', '/api/v1/admin/login', { username, password });
    if (first.status !== 200) return { status: first.status, secret: undefined, token: undefined };
    const enrolSecret = secret ?? (first.body.secret as string);
    clock.advance(30_000);
    const done = await publicCall('POST', '/api/v1/admin/login/second-factor', {
      loginToken: first.body.loginToken,
      code: totpCode(enrolSecret, clock.now()),
    });
    return { status: done.status, secret: enrolSecret, token: done.body.sessionToken as string | undefined };
  }

  it('refuses bad arguments with a clear message and writes nothing', async () => {
    const noBuilding = await run(
      ...['account', 'add', '--username', 'xavier', '--name', 'X', '--role', 'building_admin'],
    );
    expect(noBuilding.code).toBe(2);
    expect(noBuilding.err).toMatch(/a building administrator needs at least one building/);
    const unknown = await run(
      ...[
        'account',
        'add',
        '--username',
        'xavier',
        '--name',
        'X',
        '--role',
        'building_admin',
        '--building',
        'b9',
      ],
    );
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/no building "b9"/);
    const role = await run('account', 'add', '--username', 'xavier', '--name', 'X', '--role', 'root');
    expect(role.code).toBe(2);
    expect(role.err).toMatch(/role/);
    expect((await run('account', 'password', '--username', 'nobody')).err).toMatch(/no account "nobody"/);
    expect(JSON.parse((await run('account', 'list')).out)).toEqual({ accounts: [] });
  });

  it('creates an account whose printed password logs in at the hub; a new password and disabling work there', async () => {
    const added = await run(
      ...[
        'account',
        'add',
        '--username',
        'karin',
        '--name',
        'Karin',
        '--role',
        'building_admin',
        '--building',
        'b1',
      ],
    );
    expect(added.err).toBe('');
    const { account, password } = JSON.parse(added.out);
    expect(account).toMatchObject({
      username: 'karin',
      role: 'building_admin',
      buildingIds: ['b1'],
      totpEnrolled: false,
    });
    const first = await login('karin', password);
    expect(first.status).toBe(200);
    expect((await call('GET', '/api/v1/admin/me', undefined, bearer(first.token!))).body).toMatchObject({
      role: 'building_admin',
      buildingIds: ['b1'],
    });

    // A new password ends the sessions; the old password no longer works.
    const renewed = JSON.parse((await run('account', 'password', '--username', 'karin')).out);
    expect((await call('GET', '/api/v1/admin/me', undefined, bearer(first.token!))).status).toBe(401);
    expect((await login('karin', password, first.secret)).status).toBe(401);
    expect((await login('karin', renewed.password, first.secret)).status).toBe(200);

    expect(JSON.parse((await run('account', 'disable', '--username', 'karin')).out).disabled).toBe(true);
    expect((await login('karin', renewed.password, first.secret)).status).toBe(401);
    expect(JSON.parse((await run('account', 'enable', '--username', 'karin')).out).disabled).toBe(false);

    // After a reset the next login enrols a new second factor.
    expect(
      JSON.parse((await run('account', 'reset-second-factor', '--username', 'karin')).out).totpEnrolled,
    ).toBe(false);
    const again = await publicCall('POST', '/api/v1/admin/login', {
      username: 'karin',
      password: renewed.password,
    });
    expect(again.body.next).toBe('enrol_totp');
  });
});
