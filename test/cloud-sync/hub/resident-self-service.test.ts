/**
 * Resident self-service through the hub's resident API: each change reaches the panels' config like an
 * admin change (the fake panels receive the signed snapshot or card patch), and each route refuses another
 * resident's bell, card or device with 404 while nothing changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import type { Card } from '../../../cloud-sync/protocol/building.ts';
import type { BuildingSnapshot } from '../../../cloud-sync/protocol/building-snapshot.ts';
import { configPatchMessage, configSnapshotMessage } from '../../../cloud-sync/protocol/messages.ts';
import { until } from '../../../scripts/lab/until.ts';
import { type AdminApi, AUTH, adminApi, bearer } from '../../support/hub.ts';
import { type Broker, type FakePanel, fakePanel, seed, startBroker } from './hub-harness.ts';
import { loginResident, startResidentHub } from './resident-harness.ts';

const R = '/api/v1/resident';

describe('resident self-service API', () => {
  let broker: Broker;
  let hub: Hub;
  let call: AdminApi;
  let p1: FakePanel;
  let p2: FakePanel;
  let alice: Record<string, string>;
  let bob: Record<string, string>;

  const snapshot = (panel: FakePanel): BuildingSnapshot | undefined => {
    const all = panel.on('config/desired');
    const last = all[all.length - 1];
    return last && configSnapshotMessage.parse(last.payload).data;
  };
  /** Waits until the panel's latest snapshot satisfies `check`. */
  const onPanel = (panel: FakePanel, check: (s: BuildingSnapshot) => unknown, what: string) =>
    until(() => {
      const s = snapshot(panel);
      return s && check(s) ? s : undefined;
    }, what);
  /** Every card row the panel received in a config patch (the card fast path). */
  const patchedCards = (panel: FakePanel) =>
    panel
      .on('config/patch')
      .flatMap((m) => (configPatchMessage.parse(m.payload).upsert.cards ?? []) as Card[]);
  const residentOf = (s: BuildingSnapshot, id: string) => s.residents.find((r) => r.id === id);

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startResidentHub({ brokerUrl: broker.url });
    call = adminApi(hub);
    seed(hub);
    const e = hub.store.entities;
    for (const [id, panelId, residentId, displayText] of [
      ['bell-alice-p1', 'p1', 'alice', 'Alice'],
      ['bell-alice-p2', 'p2', 'alice', 'Alice'],
      ['bell-bob-p1', 'p1', 'bob', 'Bob'],
    ] as const)
      e.create('doorbells', { id, panelId, residentId, type: 'separate', displayText });
    p1 = await fakePanel(broker.url, 'p1');
    p2 = await fakePanel(broker.url, 'p2');
    alice = bearer((await loginResident(call, 'alice', 'Alice phone')).token);
    bob = bearer((await loginResident(call, 'bob', 'Bob phone')).token);
    await onPanel(p1, (s) => s.appDevices.length === 2, 'both residents in the directory of p1');
  });
  afterAll(async () => {
    await p1.close();
    await p2.close();
    await hub.stop();
    await broker.close();
  });

  it('needs a resident session on every route', async () => {
    for (const [method, path] of [
      ['GET', '/profile'],
      ['PATCH', '/profile'],
      ['GET', '/doorbell'],
      ['PATCH', '/doorbell'],
      ['PATCH', '/doorbell/bells/bell-alice-p1'],
      ['PUT', '/doorbell/picture'],
      ['DELETE', '/doorbell/picture'],
      ['GET', '/cards'],
      ['POST', '/cards'],
      ['PATCH', '/cards/card-alice'],
      ['GET', '/devices'],
      ['DELETE', '/devices/x'],
    ] as const) {
      const res = await call(method, `${R}${path}`, method === 'GET' ? undefined : {}, AUTH);
      expect(res.status, `${method} ${path} with the admin token`).toBe(401);
    }
  });

  it('changes the profile: name and phone reach the panels, the e-mail stays at the hub', async () => {
    const res = await call(
      'PATCH',
      `${R}/profile`,
      { name: 'Alice Ek', phone: '+46701234567', email: 'alice@example.com' },
      alice,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: 'Alice Ek', phone: '+46701234567', email: 'alice@example.com' });
    const s = await onPanel(p1, (s) => residentOf(s, 'alice')?.name === 'Alice Ek', 'the new name on p1');
    expect(residentOf(s, 'alice')).toMatchObject({ phone: '+46701234567' });
    expect(JSON.stringify(s)).not.toContain('alice@example.com');
    expect((await call('GET', `${R}/profile`, undefined, bob)).body).toEqual({
      name: 'Bob',
      phone: null,
      email: null,
    });
  });

  it('refuses a bad profile with a clear message and changes nothing', async () => {
    for (const [body, message] of [
      [{ phone: '0701234567' }, 'E.164'],
      [{ email: 'not-an-address' }, 'e-mail address'],
      [{ name: 'x'.repeat(201) }, 'name'],
      [{ name: '' }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'Alice\u202Eevil' }, 'control or direction characters'],
      [{ residentId: 'bob', name: 'Mallory' }, 'residentId'],
    ] as const) {
      const res = await call('PATCH', `${R}/profile`, body, alice);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(res.body)).toContain(message);
    }
    expect(hub.store.entities.get('residents', 'alice')).toMatchObject({
      name: 'Alice Ek',
      email: 'alice@example.com',
    });
    expect(hub.store.entities.get('residents', 'bob').name).toBe('Bob');
  });

  it('sets the text of one panel only, and never of another resident’s bell', async () => {
    const before = snapshot(p2);
    const res = await call('PATCH', `${R}/doorbell/bells/bell-alice-p1`, { displayText: 'A. Ek' }, alice);
    expect(res.status).toBe(200);
    expect(res.body.bells).toEqual([
      expect.objectContaining({ bellId: 'bell-alice-p1', panelId: 'p1', displayText: 'A. Ek' }),
      expect.objectContaining({ bellId: 'bell-alice-p2', panelId: 'p2', displayText: 'Alice' }),
    ]);
    await onPanel(
      p1,
      (s) => s.bells.find((b) => b.id === 'bell-alice-p1')?.displayText === 'A. Ek',
      'text on p1',
    );
    expect(snapshot(p2)?.bells.find((b) => b.id === 'bell-alice-p2')?.displayText).toBe('Alice');
    expect(before?.bells).toEqual(snapshot(p2)?.bells);

    for (const bellId of ['bell-alice-p1', 'nope']) {
      const refused = await call('PATCH', `${R}/doorbell/bells/${bellId}`, { displayText: 'Hacked' }, bob);
      expect(refused.status).toBe(404);
    }
    const newline = await call('PATCH', `${R}/doorbell/bells/bell-alice-p1`, { displayText: 'A\nB' }, alice);
    expect(newline.status).toBe(400);
    const long = await call(
      'PATCH',
      `${R}/doorbell/bells/bell-alice-p1`,
      { displayText: 'x'.repeat(61) },
      alice,
    );
    expect(long.status).toBe(400);
    expect(hub.store.entities.get('doorbells', 'bell-alice-p1').displayText).toBe('A. Ek');
  });

  it('hides now, until a time and on a weekly schedule, and sets the ringtone', async () => {
    let res = await call('PATCH', `${R}/doorbell`, { hidden: true, ringtone: 'marimba' }, alice);
    expect(res.status).toBe(200);
    await onPanel(
      p1,
      (s) => residentOf(s, 'alice')?.hidden === true && residentOf(s, 'alice')?.ringtone === 'marimba',
      'alice hidden with marimba on p1',
    );
    const until = Date.now() + 3_600_000;
    res = await call('PATCH', `${R}/doorbell`, { hidden: false, hiddenUntil: until }, alice);
    expect(res.body).toMatchObject({ hidden: false, hiddenUntil: until });
    await onPanel(p1, (s) => residentOf(s, 'alice')?.hiddenUntil === until, 'hidden until on p1');

    const nights = [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMinute: 0, endMinute: 420 }));
    res = await call('PATCH', `${R}/doorbell`, { hiddenWeekly: nights }, alice);
    expect(res.status).toBe(200);
    expect(res.body.hiddenWeekly).toEqual(nights);
    const s = await onPanel(p1, (s) => residentOf(s, 'alice')?.hiddenProfileId === 'hide-alice', 'schedule');
    expect(s.timeProfiles.find((p) => p.id === 'hide-alice')?.intervals).toEqual(nights);
    // Changing the schedule rewrites the resident's own profile; clearing it unhooks it.
    res = await call('PATCH', `${R}/doorbell`, { hiddenWeekly: nights.slice(0, 1) }, alice);
    expect(hub.store.entities.get('timeProfiles', 'hide-alice').intervals).toHaveLength(1);
    res = await call('PATCH', `${R}/doorbell`, { hiddenWeekly: [], hiddenUntil: null }, alice);
    await onPanel(p1, (s) => residentOf(s, 'alice')?.hiddenProfileId === null, 'schedule cleared on p1');

    for (const body of [
      { hiddenUntil: Date.now() - 1000 },
      { hiddenUntil: Date.now() + 400 * 86_400_000 },
      { ringtone: 'airhorn' },
      { hiddenWeekly: [{ weekday: 7, startMinute: 0, endMinute: 10 }] },
      { hiddenWeekly: [{ weekday: 1, startMinute: 600, endMinute: 60 }] },
      { residentId: 'bob', hidden: true },
    ]) {
      const refused = await call('PATCH', `${R}/doorbell`, body, alice);
      expect(refused.status, JSON.stringify(body)).toBe(400);
    }
    expect(hub.store.entities.get('residents', 'bob')).toMatchObject({ hidden: false, ringtone: 'classic' });
    expect(hub.store.entities.get('residents', 'alice')).toMatchObject({
      ringtone: 'marimba',
      hiddenUntil: null,
    });
  });

  it('adds a card only where the building allows it, and blocks and unblocks only one’s own', async () => {
    let res = await call('POST', `${R}/cards`, { uid: '04:AA:BB:CC' }, alice);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('does not let residents add their own cards');
    expect((await call('GET', `${R}/cards`, undefined, alice)).body).toEqual({
      cards: [{ id: 'card-alice', uidEnd: 'B2C3', status: 'active', changeable: true }],
      mayAdd: false,
    });
    expect((await call('PATCH', '/api/v1/buildings/b1', { residentsMayAddCards: true }, AUTH)).status).toBe(
      200,
    );
    res = await call('POST', `${R}/cards`, { uid: '04:aa:bb:cc' }, alice);
    expect(res.status).toBe(201);
    const added = res.body.id as string;
    // Alice has a rule on p1's door: the new card reaches p1 at once (the card fast path).
    await until(() => patchedCards(p1).some((c) => c.uid === '04AABBCC'), 'the new card at p1');
    expect((await call('POST', `${R}/cards`, { uid: '04AABBCC' }, bob)).status).toBe(409);
    expect((await call('POST', `${R}/cards`, { uid: 'zz' }, bob)).status).toBe(400);

    res = await call('PATCH', `${R}/cards/${added}`, { status: 'blocked' }, alice);
    expect(res.body).toMatchObject({ id: added, status: 'blocked' });
    await until(
      () => patchedCards(p1).some((c) => c.id === added && c.status === 'blocked'),
      'the blocked card at p1',
    );
    for (const [cardId, body] of [
      [added, { status: 'active' }],
      ['card-alice', { status: 'blocked' }],
    ] as const) {
      const refused = await call('PATCH', `${R}/cards/${cardId}`, body, bob);
      expect(refused.status).toBe(404);
    }
    expect(hub.store.entities.get('cards', added).status).toBe('blocked');
    expect(hub.store.entities.get('cards', 'card-alice').status).toBe('active');
    // With ?wait the answer says where it is in force: the fake panels report nothing, so they are offline.
    res = await call('PATCH', `${R}/cards/${added}?wait=2000`, { status: 'active' }, alice);
    expect(res.body).toMatchObject({
      status: 'active',
      panels: { applied: [], notApplied: [{ panelId: 'p1', panelName: 'Entrance A', reason: 'offline' }] },
    });
    expect((await call('PATCH', `${R}/cards/${added}?wait=-1`, { status: 'blocked' }, alice)).status).toBe(
      400,
    );
    expect(hub.store.entities.get('cards', added).status).toBe('active');
    expect((await call('PATCH', `${R}/cards/${added}`, { status: 'revoked' }, alice)).status).toBe(400);

    hub.store.entities.update('cards', 'card-alice', { status: 'revoked' });
    res = await call('PATCH', `${R}/cards/card-alice`, { status: 'active' }, alice);
    expect(res.status).toBe(403);
    expect(hub.store.entities.get('cards', 'card-alice').status).toBe('revoked');
  });

  it('lists the app devices and logs one out: session, broker access and directory gone', async () => {
    const second = await loginResident(call, 'alice', 'Alice tablet');
    // A new login replaced the password: the first session ended; log in the phone again.
    const tablet = bearer(second.token);
    let res = await call('GET', `${R}/devices`, undefined, tablet);
    expect(res.status).toBe(200);
    const current = res.body.devices.find((d: { current: boolean }) => d.current);
    expect(current).toMatchObject({ id: second.appDeviceId, name: 'Alice tablet', loggedIn: true });

    const third = await call(
      'POST',
      `${R}/login`,
      { residentId: 'alice', password: second.loginPassword, deviceName: 'Alice laptop' },
      { 'content-type': 'application/json' },
    );
    const laptop = third.body.appDeviceId as string;
    await onPanel(p1, (s) => s.appDevices.some((d) => d.id === laptop), 'the laptop in the directory');

    expect((await call('DELETE', `${R}/devices/${laptop}`, undefined, bob)).status).toBe(404);
    expect(hub.store.entities.find('appDevices', laptop)).toBeDefined();
    expect((await call('GET', `${R}/profile`, undefined, bearer(third.body.token))).status).toBe(200);

    expect((await call('DELETE', `${R}/devices/${laptop}`, undefined, tablet)).status).toBe(204);
    expect((await call('GET', `${R}/profile`, undefined, bearer(third.body.token))).status).toBe(401);
    expect(hub.store.sessions.hasSession(laptop)).toBe(false);
    expect(hub.store.sessions.pendingRevocations(100)).not.toContain(laptop);
    await onPanel(p1, (s) => !s.appDevices.some((d) => d.id === laptop), 'the laptop gone from p1');
    res = await call('GET', `${R}/devices`, undefined, tablet);
    expect(res.body.devices.map((d: { id: string }) => d.id)).not.toContain(laptop);
    // Bob's devices are untouched throughout.
    expect((await call('GET', `${R}/devices`, undefined, bob)).body.devices).toHaveLength(1);
  });
  it('shows each resident only their own bells and cards', async () => {
    const doorbell = await call('GET', `${R}/doorbell`, undefined, bob);
    expect(doorbell.body.bells.map((b: { bellId: string }) => b.bellId)).toEqual(['bell-bob-p1']);
    const cards = await call('GET', `${R}/cards`, undefined, bob);
    expect(cards.body.cards.map((c: { id: string }) => c.id)).toEqual(['card-bob']);
  });

  it("removes a removed resident's own hiding profile with them", async () => {
    hub.store.entities.create('residents', { id: 'carol', unitId: 'u1', name: 'Carol' });
    const carol = bearer((await loginResident(call, 'carol')).token);
    const nights = [{ weekday: 2, startMinute: 0, endMinute: 360 }];
    expect((await call('PATCH', `${R}/doorbell`, { hiddenWeekly: nights }, carol)).status).toBe(200);
    expect(hub.store.entities.find('timeProfiles', 'hide-carol')).toBeDefined();
    expect((await call('DELETE', '/api/v1/residents/carol', undefined, AUTH)).status).toBe(204);
    expect(hub.store.entities.find('timeProfiles', 'hide-carol')).toBeUndefined();
    // An administrator's profile of the same id is never taken over by a resident's schedule.
    hub.store.entities.create('residents', { id: 'carol', unitId: 'u1', name: 'Carol' });
    hub.store.entities.create('timeProfiles', {
      id: 'hide-carol',
      buildingId: 'b1',
      name: 'Admin',
      intervals: [],
    });
    const again = bearer((await loginResident(call, 'carol')).token);
    const refused = await call('PATCH', `${R}/doorbell`, { hiddenWeekly: nights }, again);
    expect(refused.status).toBe(409);
    expect(hub.store.entities.get('timeProfiles', 'hide-carol')).toMatchObject({
      name: 'Admin',
      intervals: [],
    });
  });
  it('limits how fast a resident changes settings (429 with Retry-After), without touching others', async () => {
    hub.store.entities.create('residents', { id: 'dave', unitId: 'u1', name: 'Dave' });
    const dave = bearer((await loginResident(call, 'dave')).token);
    const tones = ['chime', 'bell'] as const;
    let limited: Awaited<ReturnType<AdminApi>> | undefined;
    for (let i = 0; i < 40 && !limited; i++) {
      const res = await call('PATCH', `${R}/doorbell`, { ringtone: tones[i % 2] }, dave);
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(200);
    }
    expect(limited?.body.error.message).toContain('too many changes to your settings');
    const before = hub.store.entities.get('residents', 'dave').ringtone;
    expect((await call('PATCH', `${R}/doorbell`, { ringtone: 'soft' }, dave)).status).toBe(429);
    expect(hub.store.entities.get('residents', 'dave').ringtone).toBe(before);
    expect((await call('PATCH', `${R}/doorbell`, { ringtone: 'soft' }, bob)).status).toBe(200);
  });
});
