/**
 * The running hub and the SIP edge's database: rewritten at start (what the CLI provisioned while the hub
 * was down), in step with admin and resident writes, with CLI changes while it runs, and the operator's
 * rotation endpoint. Real SQLite files, read as Kamailio reads them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import DatabaseConstructor from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { digestHa1 } from '../../../cloud-sync/hub/sip/panel-account.ts';
import { panelSipAccountReply } from '../../../cloud-sync/protocol/admin-panels.ts';
import { SystemClock } from '../../../lib/clock/clock.ts';
import { until } from '../../../scripts/lab/until.ts';
import { type AdminApi, adminApi, bearer, buildingAdminSession } from '../../support/hub.ts';
import { hubCli } from '../../support/hub-cli.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { type Broker, startBroker, startHub } from './hub-harness.ts';
import { loginResident, startResidentHub } from './resident-harness.ts';

const SIP = { edgeUrl: 'wss://sip.example.com:8443', domain: 'sip.example.com' };

function edge(path: string): { accounts: Record<string, string>; routes: string[] } {
  const db = new DatabaseConstructor(path, { readonly: true });
  try {
    const accounts = db.prepare("SELECT username, ha1 FROM subscriber WHERE role = 'panel'").all() as {
      username: string;
      ha1: string;
    }[];
    return {
      accounts: Object.fromEntries(accounts.map((a) => [a.username, a.ha1])),
      routes: (db.prepare('SELECT username, number FROM panel_route ORDER BY 1, 2').all() as object[]).map(
        (r) => Object.values(r).join('|'),
      ),
    };
  } finally {
    db.close();
  }
}

describe('the hub keeps the SIP edge database in step', () => {
  let broker: Broker;
  let hub: Hub;
  let call: AdminApi;
  let dataDir: string;
  let edgeDb: string;
  let kitPassword: string;

  beforeAll(async () => {
    broker = await startBroker();
    dataDir = tempDir('portvakt-hub-');
    edgeDb = join(tempDir(), 'sip-edge.db');
    // Provisioned with the CLI while no hub runs (and without --sip-edge-db): only the hub database knows.
    const run = (...argv: string[]) => hubCli(dataDir, ...argv);
    await run('building', 'add', '--id', 'b1', '--name', 'Storgatan 12', '--time-zone', 'Europe/Stockholm');
    await run('unit', 'add', '--id', 'u1', '--building', 'b1', '--name', '1101');
    const out = join(tempDir(), 'kit');
    const provisioned = await run(
      ...['provision', '--panel-id', 'p1', '--building', 'b1', '--broker-url', 'mqtt://127.0.0.1:1883'],
      ...['--out', out, '--sip-edge-url', SIP.edgeUrl, '--sip-domain', SIP.domain],
    );
    expect(provisioned.code).toBe(0);
    kitPassword = parse(readFileSync(join(out, 'panel.yaml'), 'utf8')).intercom.phone.password;
    hub = await startResidentHub({
      brokerUrl: broker.url,
      dataDir,
      sip: { ...SIP, edgeDb },
      recompileIntervalMs: 50,
    });
    call = adminApi(hub);
  });
  afterAll(async () => {
    await hub.stop();
    await broker.close();
  });

  it('writes at start what was provisioned while it was down', async () => {
    await until(() => edge(edgeDb).accounts['p1'], 'the start-up resync');
    expect(edge(edgeDb).accounts).toEqual({ p1: digestHa1('p1', SIP.domain, kitPassword) });
  });

  it("follows an administrator's and a resident's writes", async () => {
    const created = await call('POST', '/api/v1/residents', {
      id: 'alice',
      unitId: 'u1',
      name: 'Alice',
      phone: '+46701234567',
    });
    expect(created.status).toBe(201);
    await until(() => edge(edgeDb).routes.includes('p1|+46701234567'), "alice's number");
    // The resident changes her number in the app.
    const { token } = await loginResident(call, 'alice');
    const changed = await call('PATCH', '/api/v1/resident/profile', { phone: '+46707777777' }, bearer(token));
    expect(changed.status).toBe(200);
    await until(() => edge(edgeDb).routes.join() === 'p1|+46707777777', 'her new number only');
  });

  it('the operator rotates a panel SIP password; a building administrator may not; the CLI removes it', async () => {
    const res = await call('POST', '/api/v1/panels/p1/sip-account');
    expect(res.status).toBe(200);
    const reply = panelSipAccountReply.parse(res.body);
    expect(reply.phone).toMatchObject({ ...SIP, username: 'p1' });
    await until(
      () => edge(edgeDb).accounts['p1'] === digestHa1('p1', SIP.domain, reply.phone.password),
      'the new digest at the edge',
    );
    // Never shown again: the panel's view does not have it.
    expect(JSON.stringify((await call('GET', '/api/v1/panels/p1')).body)).not.toContain(reply.phone.password);
    expect((await call('POST', '/api/v1/panels/nope/sip-account')).status).toBe(404);
    const session = await buildingAdminSession(
      call,
      new SystemClock(),
      'karin',
      ['b1'],
      'karins-password-0123',
    );
    const before = edge(edgeDb).accounts['p1'];
    for (const method of ['POST', 'DELETE'])
      expect((await call(method, '/api/v1/panels/p1/sip-account', undefined, bearer(session))).status).toBe(
        403,
      );
    expect(edge(edgeDb).accounts['p1']).toBe(before);
    // In the change log, without the password.
    const logged = hub.store.adminChanges.list({ limit: 10 }).filter((c) => c.entity === 'panelSipAccounts');
    expect(logged).toMatchObject([{ action: 'rotate', entityId: 'p1', buildingId: 'b1', detail: {} }]);
    expect(JSON.stringify(logged)).not.toContain(reply.phone.password);
    // Another process (the CLI) ends the account: the hub notices within its recompile interval.
    expect((await hubCli(dataDir, 'sip', 'remove', '--panel-id', 'p1')).code).toBe(0);
    await until(() => edge(edgeDb).accounts['p1'] === undefined, 'the account gone from the edge');
    expect(edge(edgeDb).routes).toEqual([]);
    expect((await call('DELETE', '/api/v1/panels/p1/sip-account')).status).toBe(404);
  });

  it('a hub without a SIP edge provisions no phone fallback', async () => {
    const plain = await startHub(broker.url);
    try {
      plain.store.entities.create('buildings', { id: 'b1', name: 'S', timeZone: 'Europe/Stockholm' });
      plain.store.entities.create('panels', { id: 'p1', name: 'P', buildingId: 'b1' });
      const res = await adminApi(plain)('POST', '/api/v1/panels/p1/sip-account');
      expect(res.status).toBe(409);
      expect(res.body.error.message).toContain('no SIP edge configured');
    } finally {
      await plain.stop();
    }
  });
});
