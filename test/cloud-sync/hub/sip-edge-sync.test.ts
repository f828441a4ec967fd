import { join } from 'node:path';
import DatabaseConstructor, { type Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EdgeSync } from '../../../cloud-sync/hub/sip/edge-sync.ts';
import { digestHa1, issuePanelSipAccount } from '../../../cloud-sync/hub/sip/panel-account.ts';
import { type HubStore, openHubStore } from '../../../cloud-sync/hub/store/hub-store.ts';
import { EdgeDb } from '../../../cloud-sync/hub/store/sip-edge-db.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { until } from '../../../scripts/lab/until.ts';
import { tempDir } from '../../support/temp-dir.ts';

const EDGE = { edgeUrl: 'wss://sip.example.com:8443', domain: 'sip.example.com' };

/** What Kamailio would read: panel subscribers and their routes, from the edge file itself. */
function edgeView(path: string): { subscribers: string[]; routes: string[] } {
  const db = new DatabaseConstructor(path, { readonly: true });
  try {
    return {
      subscribers: db
        .prepare('SELECT username, domain, role, password FROM subscriber ORDER BY username, domain')
        .all()
        .map((r) => Object.values(r as object).join('|')),
      routes: db
        .prepare('SELECT username, number FROM panel_route ORDER BY username, number')
        .all()
        .map((r) => Object.values(r as object).join('|')),
    };
  } finally {
    db.close();
  }
}

describe('the SIP edge database, written by the hub', () => {
  let dir: string;
  let edgePath: string;
  let store: HubStore;
  let edge: EdgeDb;
  let sync: EdgeSync;
  let clock: FakeClock;

  beforeEach(() => {
    dir = tempDir('portvakt-sip-edge-');
    edgePath = join(dir, 'edge', 'sip-edge.db');
    clock = new FakeClock();
    store = openHubStore(join(dir, 'hub.db'), { clock, logger: silentLogger });
    edge = new EdgeDb(edgePath, silentLogger, { busyTimeoutMs: 10 });
    sync = new EdgeSync({ store, edge, clock, logger: silentLogger });
    sync.start();
    const e = store.entities;
    e.create('buildings', { id: 'b1', name: 'Storgatan 12', timeZone: 'Europe/Stockholm' });
    e.create('buildings', { id: 'b2', name: 'Lillgatan 3', timeZone: 'Europe/Stockholm' });
    e.create('units', { id: 'u1', buildingId: 'b1', name: '1101' });
    e.create('units', { id: 'u2', buildingId: 'b2', name: '2101' });
    e.create('panels', { id: 'p1', name: 'Entrance', buildingId: 'b1' });
    e.create('panels', { id: 'p2', name: 'Lillgatan', buildingId: 'b2' });
    e.create('residents', { id: 'anna', unitId: 'u1', name: 'Anna', phone: '+46701234567' });
    e.create('residents', { id: 'bo', unitId: 'u1', name: 'Bo', phone: '+46707654321' });
    e.create('residents', { id: 'cai', unitId: 'u1', name: 'Cai' });
    e.create('residents', { id: 'dan', unitId: 'u2', name: 'Dan', phone: '+46709999999' });
  });
  afterEach(() => {
    sync.stop();
    edge.close();
    store.close();
  });

  const routes = () => edgeView(edgePath).routes;
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

  it("gives each provisioned panel its account and its building's active residents' numbers, and follows every change", async () => {
    const p1 = store.transaction(() => issuePanelSipAccount(store, 'p1', EDGE, clock.now()));
    store.transaction(() => issuePanelSipAccount(store, 'p2', EDGE, clock.now()));
    sync.resyncAll();
    await settle();
    expect(p1.password.length).toBeGreaterThanOrEqual(32);
    const db = new DatabaseConstructor(edgePath, { readonly: true });
    // Only the digest: Kamailio computes nothing from a clear password (the column stays empty).
    expect(db.prepare("SELECT ha1, password FROM subscriber WHERE username = 'p1'").get()).toEqual({
      ha1: digestHa1('p1', EDGE.domain, p1.password),
      password: '',
    });
    db.close();
    expect(edgeView(edgePath).subscribers).toEqual([
      'p1|sip.example.com|panel|',
      'p2|sip.example.com|panel|',
    ]);
    expect(routes()).toEqual(['p1|+46701234567', 'p1|+46707654321', 'p2|+46709999999']);

    // A phone number added (as the resident app does it: an update of the row), changed, cleared.
    store.entities.update('residents', 'cai', { phone: '+46700000001' });
    await settle();
    expect(routes()).toContain('p1|+46700000001');
    store.entities.update('residents', 'cai', { phone: null });
    await settle();
    expect(routes()).not.toContain('p1|+46700000001');
    // Removed (status) and deleted residents are no longer callable.
    store.entities.update('residents', 'bo', { status: 'removed' });
    await settle();
    expect(routes()).toEqual(['p1|+46701234567', 'p2|+46709999999']);
    // A resident moving to the other building moves their number with them.
    store.entities.update('residents', 'anna', { unitId: 'u2' });
    await settle();
    expect(routes()).toEqual(['p2|+46701234567', 'p2|+46709999999']);
    store.entities.remove('residents', 'dan');
    await settle();
    expect(routes()).toEqual(['p2|+46701234567']);
    // A unit moved to another building takes its residents' numbers along.
    store.entities.update('units', 'u2', { buildingId: 'b1' });
    await settle();
    expect(routes()).toEqual(['p1|+46701234567']);
  });

  it('a CSV-import-like batch is one change; a panel moved or removed takes its account and routes along', async () => {
    store.transaction(() => issuePanelSipAccount(store, 'p1', EDGE, clock.now()));
    sync.resyncAll();
    await settle();
    store.entities.batch(() => {
      store.entities.create('units', { id: 'u3', buildingId: 'b1', name: '1102' });
      store.entities.create('residents', { id: 'eva', unitId: 'u3', name: 'Eva', phone: '+46701111111' });
      store.entities.create('residents', { id: 'fia', unitId: 'u3', name: 'Fia', phone: '+46702222222' });
    });
    await settle();
    expect(routes()).toEqual(['p1|+46701111111', 'p1|+46701234567', 'p1|+46702222222', 'p1|+46707654321']);
    // Moved to the other building: it may call that building's residents only.
    store.entities.update('panels', 'p1', { buildingId: 'b2' });
    await settle();
    expect(routes()).toEqual(['p1|+46709999999']);
    store.entities.remove('panels', 'p1');
    await settle();
    expect(edgeView(edgePath)).toEqual({ subscribers: [], routes: [] });
  });

  it('a panel without SIP credentials gets no account and no routes', async () => {
    sync.resyncAll();
    await settle();
    expect(edgeView(edgePath)).toEqual({ subscribers: [], routes: [] });
  });

  it("leaves the edge's phone subscribers alone and replaces a panel's account at another domain", async () => {
    const raw = new DatabaseConstructor(edgePath);
    raw
      .prepare(
        "INSERT INTO subscriber (username, domain, ha1, role) VALUES ('resident-phone', ?, ?, 'phone')",
      )
      .run(EDGE.domain, 'a'.repeat(32));
    raw.close();
    store.transaction(() => issuePanelSipAccount(store, 'p1', EDGE, clock.now()));
    sync.resyncAll();
    await settle();
    store.transaction(() => issuePanelSipAccount(store, 'p1', { ...EDGE, domain: 'edge.example.org' }, 0));
    sync.sync(['b1']);
    await settle();
    expect(edgeView(edgePath).subscribers).toEqual([
      'p1|edge.example.org|panel|',
      'resident-phone|sip.example.com|phone|',
    ]);
  });

  describe('when the edge database cannot be written', () => {
    let locker: Database;
    afterEach(() => {
      if (locker.inTransaction) locker.exec('ROLLBACK');
      locker.close();
    });

    it('the admin write still commits; the edge write is retried with backoff until it succeeds', async () => {
      store.transaction(() => issuePanelSipAccount(store, 'p1', EDGE, clock.now()));
      sync.resyncAll();
      await settle();
      // Another writer holds the edge's write lock: every edge write fails after its busy timeout.
      locker = new DatabaseConstructor(edgePath);
      locker.exec('BEGIN IMMEDIATE');
      store.entities.update('residents', 'cai', { phone: '+46700000001' });
      expect(store.entities.get('residents', 'cai').phone).toBe('+46700000001');
      await until(() => sync.stats.failures === 1, 'the failed edge write');
      clock.advance(1000);
      expect(sync.stats.failures).toBe(2);
      locker.exec('ROLLBACK');
      // The second retry waits twice as long.
      clock.advance(1999);
      expect(routes()).not.toContain('p1|+46700000001');
      clock.advance(1);
      expect(routes()).toContain('p1|+46700000001');
      expect(clock.pendingTimers()).toBe(0);
    });
  });

  it('a full resync heals rows lost from the edge database (a hub start)', async () => {
    store.transaction(() => issuePanelSipAccount(store, 'p1', EDGE, clock.now()));
    sync.resyncAll();
    await settle();
    const raw = new DatabaseConstructor(edgePath);
    raw.exec(
      "DELETE FROM panel_route; DELETE FROM subscriber; INSERT INTO panel_route VALUES ('gone', '+1555')",
    );
    raw.close();
    sync.resyncAll();
    await settle();
    expect(edgeView(edgePath)).toEqual({
      subscribers: ['p1|sip.example.com|panel|'],
      routes: ['p1|+46701234567', 'p1|+46707654321'],
    });
  });
});
