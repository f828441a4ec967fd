/**
 * The resident's panel PIN at the hub: set in the resident API (current password re-checked, trivial
 * PINs refused), never returned by any API, and sent as a scrypt hash only to the panels of the
 * resident's own building (the fake panels receive the signed snapshot and patches).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import type { Resident } from '../../../cloud-sync/protocol/building.ts';
import type { BuildingSnapshot } from '../../../cloud-sync/protocol/building-snapshot.ts';
import { configPatchMessage, configSnapshotMessage } from '../../../cloud-sync/protocol/messages.ts';
import { verifyScrypt } from '../../../lib/crypto/scrypt-hash.ts';
import { until } from '../../../scripts/lab/until.ts';
import { type AdminApi, adminApi, bearer } from '../../support/hub.ts';
import { type Broker, type FakePanel, fakePanel, seed, startBroker } from './hub-harness.ts';
import { loginResident, startResidentHub } from './resident-harness.ts';

const PIN_PATH = '/api/v1/resident/panel-pin';

describe('resident panel PIN', () => {
  let broker: Broker;
  let hub: Hub;
  let call: AdminApi;
  let p1: FakePanel;
  let p3: FakePanel;
  let alice: Record<string, string>;
  let alicePassword: string;
  let carol: Record<string, string>;
  let carolPassword: string;

  const snapshot = (panel: FakePanel): BuildingSnapshot | undefined => {
    const last = panel.on('config/desired').at(-1);
    return last && configSnapshotMessage.parse(last.payload).data;
  };
  /** The resident's PIN hash as the panel has it: the latest snapshot, then the patches after it. */
  const pinHashOn = (panel: FakePanel, residentId: string): string | null | undefined => {
    let hash = snapshot(panel)?.residents.find((r) => r.id === residentId)?.panelPinHash;
    const snapAt = panel.messages.lastIndexOf(panel.on('config/desired').at(-1)!);
    for (const m of panel.messages.slice(snapAt + 1).filter((m) => m.topic === 'config/patch')) {
      const rows = (configPatchMessage.parse(m.payload).upsert.residents ?? []) as Resident[];
      const row = rows.find((r) => r.id === residentId);
      if (row) hash = row.panelPinHash;
    }
    return hash;
  };
  const put = (who: Record<string, string>, body: unknown) => call('PUT', PIN_PATH, body, who);

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startResidentHub({ brokerUrl: broker.url });
    call = adminApi(hub);
    seed(hub);
    const e = hub.store.entities;
    e.create('doorbells', {
      id: 'bell-alice-p1',
      panelId: 'p1',
      residentId: 'alice',
      type: 'separate',
      displayText: 'Alice',
    });
    // A neighbouring building whose resident Carol may also use door A of building b1.
    e.create('buildings', { id: 'b2', name: 'Storgatan 14', timeZone: 'Europe/Stockholm' });
    e.create('panels', { id: 'p3', name: 'Entrance C', buildingId: 'b2' });
    e.create('units', { id: 'u2', buildingId: 'b2', name: '2101' });
    e.create('residents', { id: 'carol', unitId: 'u2', name: 'Carol' });
    e.create('cards', { id: 'card-carol', uid: '04C1C2C3', residentId: 'carol' });
    e.create('accessRules', { id: 'r-carol-a', residentId: 'carol', doorId: 'door-a' });
    e.create('doorbells', {
      id: 'bell-carol-p3',
      panelId: 'p3',
      residentId: 'carol',
      type: 'separate',
      displayText: 'Carol',
    });
    p1 = await fakePanel(broker.url, 'p1');
    p3 = await fakePanel(broker.url, 'p3');
    const a = await loginResident(call, 'alice');
    alice = bearer(a.token);
    alicePassword = a.loginPassword;
    const c = await loginResident(call, 'carol');
    carol = bearer(c.token);
    carolPassword = c.loginPassword;
    await until(() => snapshot(p1)?.residents.some((r) => r.id === 'carol'), 'p1 to hold carol');
  });
  afterAll(async () => {
    await p1.close();
    await p3.close();
    await hub.stop();
    await broker.close();
  });

  it('needs a session, the current password, and a PIN that is not trivial', async () => {
    expect((await call('GET', PIN_PATH, undefined, {})).status).toBe(401);
    expect((await call('PUT', PIN_PATH, { pin: '4071', password: alicePassword }, {})).status).toBe(401);
    const wrong = await put(alice, { pin: '4071', password: 'not-her-password' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.message).toMatch(/wrong password/);
    for (const pin of ['1111', '1234', '9876', '8901', '0000000', '123', '123456789', '12a4', ' 4071'])
      expect((await put(alice, { pin, password: alicePassword })).status, pin).toBe(400);
    expect((await put(alice, { pin: '4071' })).status).toBe(400);
    expect((await call('GET', PIN_PATH, undefined, alice)).body).toEqual({ set: false, setAt: null });
    expect(pinHashOn(p1, 'alice')).toBeNull();
  });

  it('keeps only a scrypt hash, returned by no API, and sends it to the building’s panels', async () => {
    const set = await put(alice, { pin: '4071', password: alicePassword });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ set: true, setAt: expect.any(Number) });
    await until(() => pinHashOn(p1, 'alice'), 'the hash on p1');
    const hash = pinHashOn(p1, 'alice')!;
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyScrypt('4071', hash)).toBe(true);
    expect(await verifyScrypt('4072', hash)).toBe(false);
    // Neither the PIN nor the hash in any reply about the resident.
    for (const [path, headers] of [
      [PIN_PATH, alice],
      ['/api/v1/resident/me', alice],
      ['/api/v1/resident/doorbell', alice],
      ['/api/v1/residents/alice', undefined],
      ['/api/v1/residents', undefined],
    ] as const) {
      const reply = JSON.stringify((await call('GET', path, undefined, headers)).body);
      expect(reply, path).not.toMatch(/scrypt|panelPinHash|4071/);
    }
    // No admin write sets it either.
    const admin = await call('PATCH', '/api/v1/residents/alice', { panelPinHash: hash });
    expect(admin.status).toBe(400);
  });

  it('gives a resident’s hash only to panels of their own building', async () => {
    expect((await put(carol, { pin: '5829', password: carolPassword })).status).toBe(200);
    await until(() => pinHashOn(p3, 'carol'), 'the hash on p3 (carol’s building)');
    // p1 holds carol for door A of b1 but stands in another building: no hash, also in a snapshot
    // compiled after the PIN was set (renaming the building recompiles every panel).
    expect((await call('PATCH', '/api/v1/buildings/b1', { name: 'Storgatan 12 A' })).status).toBe(200);
    const fresh = await until(
      () => (snapshot(p1)?.buildings.some((b) => b.name === 'Storgatan 12 A') ? snapshot(p1) : undefined),
      'a fresh snapshot on p1',
    );
    expect(fresh.residents.find((r) => r.id === 'carol')?.panelPinHash).toBeNull();
    expect(pinHashOn(p3, 'carol')).toMatch(/^scrypt\$/);
  });

  it('clears the PIN on the panels', async () => {
    const cleared = await call('DELETE', PIN_PATH, undefined, alice);
    expect(cleared.body).toEqual({ set: false, setAt: null });
    await until(() => pinHashOn(p1, 'alice') === null, 'the hash gone from p1');
  });
});
