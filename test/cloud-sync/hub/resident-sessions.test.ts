/**
 * Resident sessions on fake time, through the hub's real HTTP API and its broker auth backend: idle and
 * absolute expiry, revocation at logout, password reset and removal (the AppDeviceRevoker is told, the
 * auth backend refuses at once), and re-logins that publish no config version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../../scripts/lab/until.ts';
import { AUTH, bearer } from '../../support/hub.ts';
import {
  brokerAuth,
  DAY,
  inP1Config,
  loggedIn,
  login,
  me,
  newResident,
  startWorld,
  stopWorld,
  type World,
} from './resident-session-world.ts';

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
