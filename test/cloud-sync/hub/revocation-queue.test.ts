/**
 * The revocation outbox and its queue on an in-memory hub store: every way a session ends (logout,
 * password reset, expiry, a removed app device or resident, a deactivated resident) queues its app device
 * id in the same transaction, and the queue hands the ids to the revoker until it confirms — retrying a
 * failure and a revoker that never answers.
 */
import { describe, expect, it } from 'vitest';
import type { AppDeviceRevoker } from '../../../cloud-sync/hub/residents/app-device-revoker.ts';
import { RevocationQueue } from '../../../cloud-sync/hub/residents/revocation-queue.ts';
import { type HubStore, openHubStore } from '../../../cloud-sync/hub/store/hub-store.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';

const LIFETIME = { idleMs: 60_000, absoluteMs: 120_000 };

function storeWithDevices(clock: FakeClock, ...ids: string[]): HubStore {
  const store = openHubStore(':memory:', { clock, logger: silentLogger });
  const e = store.entities;
  e.create('buildings', { id: 'b1', name: 'B', timeZone: 'Europe/Stockholm' });
  e.create('units', { id: 'u1', buildingId: 'b1', name: '1' });
  e.create('residents', { id: 'alice', unitId: 'u1', name: 'Alice' });
  for (const id of ids) {
    e.create('appDevices', { id, residentId: 'alice', name: id });
    store.sessions.create({
      token: `token-${id}`.padEnd(40, 'x'),
      mqttPassword: `mqtt-${id}`.padEnd(24, 'x'),
      residentId: 'alice',
      appDeviceId: id,
      now: clock.now(),
    });
  }
  return store;
}

describe('session revocation outbox', () => {
  it('queues the app device of every session however it ended', () => {
    const clock = new FakeClock();
    const store = storeWithDevices(clock, 'app-a', 'app-b', 'app-c', 'app-d');
    const pending = () => store.sessions.pendingRevocations(100);
    store.sessions.deleteByAppDevice('app-a', clock.now());
    expect(pending()).toEqual(['app-a']);
    store.entities.remove('appDevices', 'app-b');
    expect(pending()).toEqual(['app-a', 'app-b']);
    clock.advance(LIFETIME.idleMs);
    expect(store.sessions.byAppDevice('app-c', clock.now(), LIFETIME)).toBeUndefined();
    expect(pending()).toEqual(['app-a', 'app-b', 'app-c']);
    store.entities.update('residents', 'alice', { status: 'removed' });
    expect(pending()).toEqual(['app-a', 'app-b', 'app-c', 'app-d']);
    store.sessions.revocationsDone(['app-a', 'app-c']);
    expect(pending()).toEqual(['app-b', 'app-d']);
    store.close();
  });

  it('queues every session of a password reset and of a removed resident', () => {
    const clock = new FakeClock();
    const store = storeWithDevices(clock, 'app-a', 'app-b');
    expect(store.sessions.setLoginHash('alice', 'scrypt$x', clock.now()).sort()).toEqual(['app-a', 'app-b']);
    expect(store.sessions.pendingRevocations(100)).toEqual(['app-a', 'app-b']);
    const other = storeWithDevices(clock, 'app-c');
    other.entities.remove('residents', 'alice');
    expect(other.sessions.pendingRevocations(100)).toEqual(['app-c']);
    store.close();
    other.close();
  });
});

describe('revocation queue', () => {
  it('retries a failed and an unanswered revocation with backoff until the broker confirms', async () => {
    const clock = new FakeClock();
    const store = storeWithDevices(clock, 'app-a');
    const calls: string[][] = [];
    const behaviours = ['hang', 'fail', 'ok'];
    const revoker: AppDeviceRevoker = {
      revoke(ids) {
        calls.push([...ids]);
        const next = behaviours.shift();
        if (next === 'fail') return Promise.reject(new Error('broker down'));
        if (next === 'hang') return new Promise(() => {});
        return Promise.resolve();
      },
    };
    const queue = new RevocationQueue({
      sessions: store.sessions,
      revoker,
      clock,
      logger: silentLogger,
      retry: { initialMs: 1000, maxMs: 60_000 },
      timeoutMs: 5000,
    });
    /** Lets the queue's promise chain run (it waits on nothing but the fake clock). */
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    store.sessions.deleteByAppDevice('app-a', clock.now());
    // A revoker that never answers counts as failed after the timeout, and the caller is released.
    const first = queue.drain();
    await settle();
    clock.advance(5000);
    expect(await first).toBe(false);
    expect(queue.failures).toBe(1);
    // The retry 1 s later fails; the next waits 2 s.
    clock.advance(1000);
    await settle();
    expect(calls).toHaveLength(2);
    expect(queue.failures).toBe(2);
    clock.advance(1999);
    await settle();
    expect(calls).toHaveLength(2);
    clock.advance(1);
    await settle();
    expect(calls).toHaveLength(3);
    expect(queue.failures).toBe(0);
    expect(store.sessions.pendingRevocations(100)).toEqual([]);
    expect(calls.every((ids) => ids.join() === 'app-a')).toBe(true);
    queue.stop();
    store.close();
  });
});
