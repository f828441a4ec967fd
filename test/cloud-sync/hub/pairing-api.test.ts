/**
 * Pairing at the hub, through its HTTP API: a panel's request (code, poll token, expiry), the
 * administrator's claim (provisioned as `provision` does, scoped, audited), the sealed kit collected
 * once, wrong and expired codes, the rate limits and bounds, and the broker auth backend knowing the
 * paired panel. Time is a FakeClock, so expiry is tested without waiting.
 */
import { join } from 'node:path';
import DatabaseConstructor from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { digestHa1 } from '../../../cloud-sync/hub/sip/panel-account.ts';
import {
  kitContext,
  PAIRING_CLAIM_PATH,
  PAIRING_CODE_ALPHABET,
  PAIRING_REQUESTS_PATH,
  type PanelKit,
  panelKit,
} from '../../../cloud-sync/protocol/pairing.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { verifyPin } from '../../../lib/crypto/pin-hash.ts';
import { newX25519KeyPair, openSealed, type X25519KeyPair } from '../../../lib/crypto/sealed-box.ts';
import { until } from '../../../scripts/lab/until.ts';
import { api } from '../../support/http.ts';
import { type AdminApi, adminApi, bearer, buildingAdminSession, startTestHub } from '../../support/hub.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { type Broker, startBroker } from './hub-harness.ts';

const BROKER_SECRET = 'broker-secret-0123456789';
const WIRED = [
  { id: 'relay-1', name: 'Door on relay 1' },
  { id: 'relay-2', name: 'Door on relay 2' },
];

describe('pairing API', () => {
  let broker: Broker;
  let hub: Hub;
  let operator: AdminApi;
  let base: string;
  const clock = new FakeClock();

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startTestHub({
      brokerUrl: broker.url,
      protocolVersion: 4,
      clock,
      residentApp: { brokerAuthSecret: BROKER_SECRET },
      pairing: {
        brokerUrl: 'mqtts://broker.example:8883',
        requestsPerAddress: { burst: 12, perMinute: 1 },
        claimsPerAdmin: { burst: 30, perMinute: 1 },
        maxOpenPerAddress: 8,
      },
    });
    operator = adminApi(hub);
    base = `http://127.0.0.1:${hub.apiAddress().port}`;
    for (const b of ['b1', 'b2'])
      await operator('POST', '/api/v1/buildings', { id: b, name: `Building ${b}`, timeZone: 'Europe/Oslo' });
  });
  afterAll(async () => {
    await hub.stop();
    await broker.close();
  });

  /** A panel's side: its key pair, its request, and its polls. */
  async function panelRequest(): Promise<{
    keys: X25519KeyPair;
    requestId: string;
    code: string;
    pollToken: string;
    expiresAt: number;
    ttlMs: number;
  }> {
    const keys = newX25519KeyPair();
    const reply = await api(base, 'POST', PAIRING_REQUESTS_PATH, { publicKey: keys.publicKey, doors: WIRED });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return { keys, ...reply.body };
  }
  const poll = (requestId: string, token: string) =>
    api(base, 'GET', `${PAIRING_REQUESTS_PATH}/${requestId}`, undefined, {
      authorization: `Bearer ${token}`,
    });
  const openKit = (keys: X25519KeyPair, requestId: string, body: { kit: never }): PanelKit =>
    panelKit.parse(JSON.parse(openSealed(keys.privateKey, body.kit, kitContext(requestId)).toString()));

  it('gives a panel a code of 8 Crockford characters for 15 minutes, and a waiting poll', async () => {
    const r = await panelRequest();
    expect(r.code).toMatch(new RegExp(`^[${PAIRING_CODE_ALPHABET}]{8}$`));
    expect(r.expiresAt).toBe(clock.now() + 15 * 60_000);
    expect(r.ttlMs).toBe(15 * 60_000);
    const waiting = await poll(r.requestId, r.pollToken);
    expect(waiting.body).toEqual({ state: 'waiting', expiresAt: r.expiresAt });
    expect((await poll(r.requestId, 'x'.repeat(32))).status).toBe(404);
    expect((await api(base, 'GET', `${PAIRING_REQUESTS_PATH}/${r.requestId}`)).status).toBe(401);
  });

  it('refuses a malformed request, naming the field, and stores nothing', async () => {
    const before = hub.store.pairing.countOpen(clock.now());
    const bad = await api(base, 'POST', PAIRING_REQUESTS_PATH, { publicKey: 'short', doors: [] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.issues)).toMatch(/publicKey/);
    expect(hub.store.pairing.countOpen(clock.now())).toBe(before);
  });

  it('provisions the claimed panel and hands its sealed kit out once', async () => {
    const r = await panelRequest();
    // As typed by a person: lower case, with the dash the screen shows.
    const typed = `${r.code.slice(0, 4).toLowerCase()}-${r.code.slice(4)}`;
    const claim = await operator('POST', PAIRING_CLAIM_PATH, {
      code: typed,
      panelId: 'entrance-a',
      buildingId: 'b1',
      name: 'Entrance A',
    });
    expect(claim.status, JSON.stringify(claim.body)).toBe(201);
    expect(claim.body).toMatchObject({
      panelId: 'entrance-a',
      buildingId: 'b1',
      reissued: false,
      doors: [
        { id: 'entrance-a-relay-1', name: 'Door on relay 1', wired: 'relay-1' },
        { id: 'entrance-a-relay-2', name: 'Door on relay 2', wired: 'relay-2' },
      ],
      phoneFallback: false,
    });
    expect((await operator('GET', '/api/v1/doors?panelId=entrance-a')).body.doors).toHaveLength(2);
    // The database holds the kit only sealed: no password in clear.
    const stored = JSON.stringify(hub.store.pairing.get(r.requestId, clock.now()));
    const collected = await poll(r.requestId, r.pollToken);
    expect(collected.body.state).toBe('claimed');
    const kit = openKit(r.keys, r.requestId, collected.body);
    expect(kit).toMatchObject({
      panel: { id: 'entrance-a', name: 'Entrance A', timeZone: 'Europe/Oslo' },
      sync: {
        brokerUrl: 'mqtts://broker.example:8883',
        username: 'entrance-a',
        hubPublicKey: hub.publicKey,
        mqttVersion: 5,
      },
    });
    // The installer PIN: shown once in the reply, only its hash in the kit.
    expect(claim.body.installerPin).toMatch(/^\d{8}$/);
    expect(await verifyPin(claim.body.installerPin, kit.installerPinHash)).toBe(true);
    expect(stored).not.toContain(kit.sync.password);
    expect(stored).not.toContain(kit.installerToken);
    // Once: the request is gone.
    expect((await poll(r.requestId, r.pollToken)).status).toBe(404);
    // Sealed for this request's key only.
    expect(() => openKit(newX25519KeyPair(), r.requestId, collected.body)).toThrow();
    // The broker's auth backend knows the paired panel's login, with a panel's rights.
    const broker = bearer(BROKER_SECRET);
    const login = await operator(
      'POST',
      '/api/v1/broker/auth',
      { username: 'entrance-a', password: kit.sync.password, clientid: 'entrance-a' },
      broker,
    );
    expect(login.body).toEqual({ result: 'allow', ok: true, kind: 'panel' });
    const wrong = { username: 'entrance-a', password: 'not-it', clientid: 'entrance-a' };
    expect((await operator('POST', '/api/v1/broker/auth', wrong, broker)).status).toBe(403);
    const acl = (topic: string, access: string) =>
      operator('POST', '/api/v1/broker/acl', { username: 'entrance-a', topic, access }, broker);
    expect((await acl('portvakt/v1/devices/entrance-a/events', 'write')).status).toBe(200);
    expect((await acl('portvakt/v1/devices/entrance-a/config/desired', 'write')).status).toBe(403);
    expect((await acl('portvakt/v1/devices/other/events', 'write')).status).toBe(403);
    // Audited: who paired which panel, from where.
    const changes = (await operator('GET', '/api/v1/admin/changes?limit=50')).body.changes as {
      action: string;
      entityId: string;
      actor: string;
    }[];
    expect(changes.find((c) => c.action === 'pair')).toMatchObject({
      entityId: 'entrance-a',
      actor: 'operator-token',
    });
  });

  it('maps the hub doors onto the wired doors the claim names, and refuses a wired door the panel lacks', async () => {
    const r = await panelRequest();
    const unknown = await operator('POST', PAIRING_CLAIM_PATH, {
      code: r.code,
      panelId: 'entrance-b',
      buildingId: 'b1',
      doors: [{ id: 'front', wired: 'relay-9' }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/relay-9.*relay-1/);
    expect((await operator('GET', '/api/v1/panels/entrance-b')).status).toBe(404);
    const ok = await operator('POST', PAIRING_CLAIM_PATH, {
      code: r.code,
      panelId: 'entrance-b',
      buildingId: 'b1',
      doors: [{ id: 'bike-room', name: 'Bike room', wired: 'relay-2' }],
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const kit = openKit(r.keys, r.requestId, (await poll(r.requestId, r.pollToken)).body);
    expect(kit.doors).toEqual([{ id: 'bike-room', name: 'Bike room', wired: 'relay-2' }]);
  });

  it('answers a wrong code and an expired one alike, with 404, and creates nothing', async () => {
    const wrong = await operator('POST', PAIRING_CLAIM_PATH, {
      code: 'ZZZZZZZZ',
      panelId: 'nobody',
      buildingId: 'b1',
    });
    expect(wrong.status).toBe(404);
    const r = await panelRequest();
    clock.advance(15 * 60_000);
    const late = await operator('POST', PAIRING_CLAIM_PATH, {
      code: r.code,
      panelId: 'late',
      buildingId: 'b1',
    });
    expect(late.status).toBe(404);
    expect(late.body.error.message).toBe(wrong.body.error.message);
    expect((await poll(r.requestId, r.pollToken)).status).toBe(404);
    expect((await operator('GET', '/api/v1/panels/late')).status).toBe(404);
  });

  it('lets a building administrator pair into their own building only', async () => {
    const karin = bearer(
      await buildingAdminSession(operator, clock, 'karin', ['b1'], 'correct horse battery'),
    );
    const r = await panelRequest();
    const elsewhere = await operator(
      'POST',
      PAIRING_CLAIM_PATH,
      { code: r.code, panelId: 'p-b2', buildingId: 'b2' },
      karin,
    );
    expect(elsewhere.status).toBe(404);
    expect((await operator('GET', '/api/v1/panels/p-b2')).status).toBe(404);
    const own = await operator(
      'POST',
      PAIRING_CLAIM_PATH,
      { code: r.code, panelId: 'p-b1', buildingId: 'b1' },
      karin,
    );
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    const changes = (await operator('GET', '/api/v1/admin/changes?limit=50')).body.changes as {
      action: string;
      entity: string;
      entityId: string;
      actor: string;
    }[];
    expect(changes.filter((c) => c.entityId === 'p-b1').map((c) => [c.action, c.actor])).toEqual(
      expect.arrayContaining([
        ['create', 'karin'],
        ['pair', 'karin'],
      ]),
    );
  });

  it('refuses to pair an existing panel again unless the claim says reissue', async () => {
    const r = await panelRequest();
    const again = await operator('POST', PAIRING_CLAIM_PATH, {
      code: r.code,
      panelId: 'entrance-a',
      buildingId: 'b1',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/reissue/);
    const reissued = await operator('POST', PAIRING_CLAIM_PATH, {
      code: r.code,
      panelId: 'entrance-a',
      buildingId: 'b1',
      reissue: true,
    });
    expect(reissued.status, JSON.stringify(reissued.body)).toBe(201);
    expect(reissued.body.reissued).toBe(true);
  });

  it('deletes a kit its panel never collects', async () => {
    const r = await panelRequest();
    const claimed = await operator('POST', PAIRING_CLAIM_PATH, {
      code: r.code,
      panelId: 'gone',
      buildingId: 'b2',
    });
    expect(claimed.status).toBe(201);
    clock.advance(60 * 60_000);
    expect((await poll(r.requestId, r.pollToken)).status).toBe(404);
  });

  it('bounds the open requests of one address', async () => {
    clock.advance(16 * 60_000);
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) {
      const keys = newX25519KeyPair();
      statuses.push(
        (await api(base, 'POST', PAIRING_REQUESTS_PATH, { publicKey: keys.publicKey, doors: WIRED })).status,
      );
    }
    expect(statuses.slice(0, 8).every((s) => s === 201)).toBe(true);
    expect(statuses[8]).toBe(429);
  });
});

describe('pairing rate limits', () => {
  let broker: Broker;
  let hub: Hub;

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startTestHub({
      brokerUrl: broker.url,
      protocolVersion: 4,
      pairing: {
        brokerUrl: 'mqtt://127.0.0.1:1883',
        requestsPerAddress: { burst: 2, perMinute: 1 },
        claimsPerAdmin: { burst: 3, perMinute: 1 },
      },
    });
  });
  afterAll(async () => {
    await hub.stop();
    await broker.close();
  });

  it('limits requests per address and claims (wrong codes too) per administrator, with Retry-After', async () => {
    const base = `http://127.0.0.1:${hub.apiAddress().port}`;
    const ask = () =>
      fetch(`${base}${PAIRING_REQUESTS_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ publicKey: newX25519KeyPair().publicKey, doors: WIRED }),
      });
    expect((await ask()).status).toBe(201);
    expect((await ask()).status).toBe(201);
    const limited = await ask();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const operator = adminApi(hub);
    const guesses: number[] = [];
    for (let i = 0; i < 4; i++)
      guesses.push(
        (await operator('POST', PAIRING_CLAIM_PATH, { code: 'ZZZZZZZZ', panelId: 'x', buildingId: 'b' }))
          .status,
      );
    expect(guesses).toEqual([404, 404, 404, 429]);
  });

  it('answers 404 where pairing is off', async () => {
    const off = await startTestHub({ brokerUrl: broker.url, protocolVersion: 4 });
    try {
      const reply = await api(`http://127.0.0.1:${off.apiAddress().port}`, 'POST', PAIRING_REQUESTS_PATH, {});
      expect(reply.status).toBe(404);
      expect(reply.body.error.message).toMatch(/pairing is not enabled/);
    } finally {
      await off.stop();
    }
  });
});

describe('pairing with a SIP edge', () => {
  it("gives the paired panel its SIP account, as provision does, and writes it to the edge's database", async () => {
    const broker = await startBroker();
    const edgeDb = join(tempDir(), 'sip-edge.db');
    const hub = await startTestHub({
      brokerUrl: broker.url,
      protocolVersion: 4,
      sip: { edgeUrl: 'wss://sip.example.com:8443', domain: 'sip.example.com', edgeDb },
      pairing: { brokerUrl: 'mqtts://broker.example:8883' },
    });
    try {
      const operator = adminApi(hub);
      await operator('POST', '/api/v1/buildings', { id: 'b1', name: 'B1', timeZone: 'Europe/Oslo' });
      const base = `http://127.0.0.1:${hub.apiAddress().port}`;
      const keys = newX25519KeyPair();
      const asked = await api(base, 'POST', PAIRING_REQUESTS_PATH, {
        publicKey: keys.publicKey,
        doors: WIRED,
      });
      const claim = await operator('POST', PAIRING_CLAIM_PATH, {
        code: asked.body.code,
        panelId: 'p-sip',
        buildingId: 'b1',
      });
      expect(claim.body.phoneFallback).toBe(true);
      const polled = await api(base, 'GET', `${PAIRING_REQUESTS_PATH}/${asked.body.requestId}`, undefined, {
        authorization: `Bearer ${asked.body.pollToken}`,
      });
      const kit = panelKit.parse(
        JSON.parse(openSealed(keys.privateKey, polled.body.kit, kitContext(asked.body.requestId)).toString()),
      );
      expect(kit.phone).toMatchObject({
        edgeUrl: 'wss://sip.example.com:8443',
        domain: 'sip.example.com',
        username: 'p-sip',
      });
      await until(() => {
        const db = new DatabaseConstructor(edgeDb, { readonly: true });
        try {
          const row = db.prepare("SELECT ha1 FROM subscriber WHERE username = 'p-sip'").get() as
            | { ha1: string }
            | undefined;
          return row?.ha1 === digestHa1('p-sip', 'sip.example.com', kit.phone!.password);
        } finally {
          db.close();
        }
      }, "the panel's SIP account at the edge");
    } finally {
      await hub.stop();
      await broker.close();
    }
  });
});
