/**
 * Which app device a login uses. App devices are part of the panels' synced directory (a panel needs
 * id → resident to ring a device and to accept its answer), so creating or removing one publishes a config
 * version to every panel of the building. Sessions and broker credentials are not in it. So an install
 * of the app keeps its app device id across logouts (the web app keeps it in localStorage and sends it
 * with the login) and a re-login re-uses it: only the session and credentials rotate, and no config
 * version is made. Only a device without a session is re-used (after a logout, an expiry or a password
 * reset): knowing the password does not let a second install take over a device that is logged in.
 * An id that is unknown, in use or another resident's is ignored and a new device created; the hub always
 * chooses ids, so an app device id can never collide with a panel's broker username.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../../lib/log/logger.ts';
import type { HubStore } from '../store/hub-store.ts';

/**
 * App devices a resident may hold. A login that needs a new one beyond it removes the least recently
 * used (devices without a session first), so installs never logged in again (a cleared browser, a lost
 * phone) do not pile up in the panels' directory.
 */
export const MAX_APP_DEVICES = 10;

export function appDeviceForLogin(
  store: HubStore,
  logger: Logger,
  login: { residentId: string; deviceName: string; appDeviceId?: string | undefined; now: number },
): string {
  const { residentId } = login;
  const held = login.appDeviceId ? store.entities.find('appDevices', login.appDeviceId) : undefined;
  if (held?.residentId === residentId && !store.sessions.hasSession(held.id)) {
    // Renaming is the one change that still makes a config version, and only when the name changed.
    if (held.name !== login.deviceName)
      store.entities.update('appDevices', held.id, { name: login.deviceName });
    return held.id;
  }
  makeRoom(store, logger, residentId);
  const appDeviceId = `app-${randomBytes(8).toString('hex')}`;
  store.entities.create('appDevices', {
    id: appDeviceId,
    residentId,
    name: login.deviceName,
    lastSeenAt: login.now,
  });
  return appDeviceId;
}

function makeRoom(store: HubStore, logger: Logger, residentId: string): void {
  const devices = store.entities.list('appDevices', { residentId });
  if (devices.length < MAX_APP_DEVICES) return;
  const lastUsed = new Map(
    store.sessions.listByResident(residentId).map((s) => [s.appDeviceId, s.lastUsedAt]),
  );
  const order = (d: (typeof devices)[number]) => lastUsed.get(d.id) ?? d.lastSeenAt ?? 0;
  const byAge = devices
    .map((d) => ({ d, key: order(d), session: lastUsed.has(d.id) }))
    .sort((a, b) => Number(a.session) - Number(b.session) || a.key - b.key);
  for (const { d } of byAge.slice(0, devices.length - MAX_APP_DEVICES + 1)) {
    logger.info({ residentId, appDeviceId: d.id }, 'least recently used app device dropped');
    // Its session (if any) goes with it (foreign key), which queues its broker revocation.
    store.entities.remove('appDevices', d.id);
  }
}
