import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { verifyPassword } from '../../../cloud-sync/hub/store/passwords.ts';
import { importPublicKey, verifyCommand } from '../../../cloud-sync/protocol/signing.ts';
import { verifyPin } from '../../../lib/crypto/pin-hash.ts';
import { until } from '../../../scripts/lab/until.ts';
import { type AdminApi, adminApi } from '../../support/hub.ts';
import { type Broker, fakePanel, startBroker, startHub } from './hub-harness.ts';

describe('hub admin API', () => {
  let broker: Broker;
  let hub: Hub;
  let call: AdminApi;

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startHub(broker.url);
    call = adminApi(hub);
  });
  afterAll(async () => {
    await hub.stop();
    await broker.close();
  });

  it('requires the admin token (but serves the OpenAPI document without it)', async () => {
    expect((await call('GET', '/api/v1/buildings', undefined, {})).status).toBe(401);
    const wrong = await call('GET', '/api/v1/buildings', undefined, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('unauthorized');
    const doc = await call('GET', '/api/v1/openapi.json', undefined, {});
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/cards/{id}/revoke',
        '/api/v1/doors/{doorId}/open',
        '/api/v1/doorbells/{id}',
      ]),
    );
  });

  it('round-trips create, read, list, update and delete', async () => {
    expect(
      (await call('POST', '/api/v1/buildings', { id: 'b1', name: 'Storgatan', timeZone: 'Europe/Stockholm' }))
        .status,
    ).toBe(201);
    const panel = await call('POST', '/api/v1/panels', { id: 'p1', name: 'Entrance', buildingId: 'b1' });
    expect(panel.status).toBe(201);
    expect(panel.body.brokerPassword).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(panel.body.installerToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    // And an installer PIN for the screen, with the hash panel.yaml takes.
    expect(panel.body.installerPin).toMatch(/^[0-9]{8}$/);
    expect(await verifyPin(panel.body.installerPin, panel.body.installerPinHash)).toBe(true);
    expect(panel.body).not.toHaveProperty('passwordHash');
    // Re-issue: a new broker password replaces the hash; the old one no longer verifies.
    const reissued = await call('POST', '/api/v1/panels/p1/credentials');
    expect(reissued.status).toBe(200);
    expect(reissued.body.brokerPassword).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(reissued.body.brokerPassword).not.toBe(panel.body.brokerPassword);
    expect(reissued.body.redo.join('\n')).toContain('mosquitto_passwd');
    const hash = hub.store.panels.passwordHash('p1')!;
    expect(verifyPassword(reissued.body.brokerPassword, hash)).toBe(true);
    expect(verifyPassword(panel.body.brokerPassword, hash)).toBe(false);
    expect((await call('POST', '/api/v1/panels/nope/credentials')).status).toBe(404);
    expect(
      (await call('POST', '/api/v1/doors', { id: 'door-a', panelId: 'p1', name: 'Door A' })).body,
    ).toEqual({
      id: 'door-a',
      panelId: 'p1',
      buildingId: 'b1',
      name: 'Door A',
    });
    await call('POST', '/api/v1/units', { id: 'u1', buildingId: 'b1', name: '1101' });
    await call('POST', '/api/v1/residents', { id: 'alice', unitId: 'u1', name: 'Alice' });
    const card = await call('POST', '/api/v1/cards', { id: 'c1', uid: '04a1b2c3', residentId: 'alice' });
    expect(card.body).toMatchObject({ uid: '04A1B2C3', status: 'active', validFrom: null });
    await call('POST', '/api/v1/timeProfiles', {
      id: 'tp',
      buildingId: 'b1',
      name: 'Office',
      intervals: [{ weekday: 1, startMinute: 480, endMinute: 1020 }],
    });
    expect((await call('GET', '/api/v1/timeProfiles/tp')).body.intervals).toHaveLength(1);
    await call('POST', '/api/v1/accessRules', {
      id: 'r1',
      residentId: 'alice',
      doorId: 'door-a',
      timeProfileId: 'tp',
    });
    const bell = await call('POST', '/api/v1/doorbells', {
      id: 'bell1',
      panelId: 'p1',
      unitId: 'u1',
      type: 'family',
      displayText: 'Andersson',
    });
    expect(bell.status).toBe(201);

    expect((await call('PATCH', '/api/v1/residents/alice', { name: 'Alice A.' })).body.name).toBe('Alice A.');
    expect((await call('GET', '/api/v1/cards?residentId=alice')).body.cards).toHaveLength(1);
    expect((await call('POST', '/api/v1/cards/c1/block')).body.status).toBe('blocked');
    expect((await call('POST', '/api/v1/cards/c1/unblock')).body.status).toBe('active');
    expect((await call('POST', '/api/v1/cards/c1/revoke')).body.status).toBe('revoked');
    expect((await call('POST', '/api/v1/cards/c1/unblock')).status).toBe(409);

    const status = await call('GET', '/api/v1/panels/p1');
    expect(status.body).toMatchObject({
      id: 'p1',
      online: false,
      config: { publishedVersion: expect.any(Number) },
    });

    expect((await call('DELETE', '/api/v1/doorbells/bell1')).status).toBe(204);
    expect((await call('GET', '/api/v1/doorbells/bell1')).status).toBe(404);
    // A building with panels cannot go: that would silently empty the panels.
    expect((await call('DELETE', '/api/v1/buildings/b1')).status).toBe(409);
  });

  it('rejects bad input with 4xx and a message, changing nothing', async () => {
    const cases: [string, string, unknown, number][] = [
      ['POST', '/api/v1/buildings', { id: 'b2', name: 'X', timeZone: 'Mars/Olympus' }, 400],
      ['POST', '/api/v1/buildings', { id: 'b2', name: 'X', timeZone: 'UTC', extra: 1 }, 400],
      ['POST', '/api/v1/buildings', '{not json', 400],
      ['POST', '/api/v1/buildings', { id: 'b1', name: 'dup', timeZone: 'UTC' }, 409],
      ['POST', '/api/v1/cards', { id: 'c2', uid: 'xyz', residentId: 'alice' }, 400],
      ['POST', '/api/v1/cards', { id: 'c2', uid: '04A1B2C3', residentId: 'alice' }, 409],
      ['POST', '/api/v1/cards', { id: 'c3', uid: '04A1B2C4', residentId: 'nobody' }, 400],
      ['POST', '/api/v1/panels', { id: 'Bad Id', name: 'x', buildingId: 'b1' }, 400],
      ['POST', '/api/v1/doorbells', { id: 'd', panelId: 'p1', type: 'family', displayText: 'x' }, 400],
      ['PATCH', '/api/v1/residents/alice', { id: 'bob' }, 400],
      ['PATCH', '/api/v1/residents/alice', { status: 'gone' }, 400],
      ['GET', '/api/v1/events?limit=0', undefined, 400],
      ['GET', '/api/v1/nope', undefined, 404],
      ['POST', '/api/v1/doors/door-a/open', { reason: 'x' }, 400],
      ['POST', '/api/v1/doors/ghost/open', { onBehalfOf: { kind: 'admin', id: 'a' }, reason: 'x' }, 404],
    ];
    const before = (await call('GET', '/api/v1/cards')).body;
    for (const [method, path, body, status] of cases) {
      const res = await call(method, path, body);
      expect({ method, path, status: res.status }).toEqual({ method, path, status });
      expect(res.body.error.message.length).toBeGreaterThan(0);
    }
    const issues = (await call('POST', '/api/v1/buildings', { id: 'b2', name: '', timeZone: 'UTC' })).body
      .error.issues;
    expect(issues).toEqual([expect.stringContaining('name')]);
    expect((await call('GET', '/api/v1/cards')).body).toEqual(before);
    expect((await call('GET', '/api/v1/buildings')).body.buildings).toHaveLength(1);
  });

  it('signs door.open for the right panel, verifiable with the hub key, expiring within 60 s', async () => {
    const panel = await fakePanel(broker.url, 'p1', '-cmd');
    try {
      // A resident's app opens only what her card would: nothing without a rule for the door.
      await call('POST', '/api/v1/residents', { id: 'dave', unitId: 'u1', name: 'Dave' });
      const refused = await call('POST', '/api/v1/doors/door-a/open', {
        onBehalfOf: { kind: 'resident', id: 'dave' },
        reason: 'x',
      });
      expect(refused).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
      // Alice's first rule holds only in office hours; this one at any time keeps the test off the clock.
      await call('POST', '/api/v1/accessRules', { id: 'r-any', residentId: 'alice', doorId: 'door-a' });
      const res = await call('POST', '/api/v1/doors/door-a/open', {
        onBehalfOf: { kind: 'resident', id: 'alice' },
        reason: 'visitor at the door',
        pulseMs: 3000,
      });
      expect(res.status).toBe(202);
      await until(() => panel.on('commands').length === 1, 'command');
      const key = await importPublicKey(hub.publicKey);
      const verified = await verifyCommand(key, panel.on('commands')[0]!.payload, {
        deviceId: 'p1',
        now: Date.now(),
      });
      if (!verified.ok) throw new Error(verified.detail);
      expect(verified.body.nonce).toBe(res.body.nonce);
      expect(verified.body.nonce).toMatch(/^[0-9a-f]{32}$/);
      expect(verified.body.command).toEqual({
        type: 'door.open',
        doorId: 'door-a',
        onBehalfOf: { kind: 'resident', id: 'alice' },
        reason: 'visitor at the door',
        pulseMs: 3000,
      });
      expect(verified.body.expiresAt - verified.body.issuedAt).toBeLessThanOrEqual(60_000);
      expect(
        (await verifyCommand(key, panel.on('commands')[0]!.payload, { deviceId: 'p2', now: Date.now() })).ok,
      ).toBe(false);

      expect((await call('GET', `/api/v1/commands/${res.body.nonce}`)).body.status).toBe('sent');
      await panel.publish('commands/result', {
        protocol: 1,
        nonce: res.body.nonce,
        status: 'done',
        at: Date.now(),
      });
      await until(() => hub.store.commands.get(res.body.nonce, Date.now())?.status === 'done', 'result');
      expect((await call('GET', `/api/v1/commands/${res.body.nonce}`)).body).toMatchObject({
        status: 'done',
        panelId: 'p1',
      });
    } finally {
      await panel.close();
    }
  });

  it('lists stored events newest first, pages both ways by cursor, and follows the stream with after', async () => {
    const panel = await fakePanel(broker.url, 'p1', '-ev');
    const events = [1, 2, 3].map((seq) => ({
      id: `e${seq}`,
      seq,
      ts: seq,
      type: 't',
      doorId: null,
      readerId: null,
      data: {},
    }));
    await panel.publish('events', { protocol: 1, afterSeq: 0, events });
    await until(() => panel.on('events/ack').length === 1, 'ack');
    await panel.close();
    const ids = (reply: { body: { events: { id: string }[] } }) => reply.body.events.map((e) => e.id);
    // The default: newest first; older pages continue with before=nextBefore.
    const newest = await call('GET', '/api/v1/events?panel=p1&limit=2');
    expect(ids(newest)).toEqual(['e3', 'e2']);
    const older = await call('GET', `/api/v1/events?panel=p1&limit=2&before=${newest.body.nextBefore}`);
    expect(ids(older)).toEqual(['e1']);
    const none = await call('GET', `/api/v1/events?panel=p1&before=${older.body.nextBefore}`);
    expect(none.body).toMatchObject({ events: [], nextBefore: null });
    // Oldest first on request; `after` alone follows the stream (as pollers always did).
    const first = await call('GET', '/api/v1/events?panel=p1&limit=2&order=asc');
    expect(ids(first)).toEqual(['e1', 'e2']);
    const next = await call('GET', `/api/v1/events?panel=p1&after=${first.body.nextAfter}`);
    expect(ids(next)).toEqual(['e3']);
    // nextAfter of the newest page names the newest event: polling with it returns only newer ones.
    expect(ids(await call('GET', `/api/v1/events?panel=p1&after=${newest.body.nextAfter}`))).toEqual([]);
    expect(
      ids(await call('GET', `/api/v1/events?panel=p1&after=${first.body.events[0].cursor}&order=desc`)),
    ).toEqual(['e3', 'e2']);
    expect((await call('GET', '/api/v1/events?order=sideways')).status).toBe(400);
  });
});
