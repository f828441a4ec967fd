/**
 * Resident accounts for the resident web app: the admin sets a resident's password (shown once); a login
 * creates an app device for the resident (an `appDevices` row: the hub publishes it in the panels'
 * directory, which is how a panel knows which devices to ring), a session token and the app device's
 * broker credentials. The broker asks back (brokerLogin / brokerMayAccess) when the app connects.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../lib/clock/clock.ts';
import { AuthError, errorMessage, PortvaktError } from '../../../lib/errors.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import { appDeviceMayAccess, type BrokerAccess } from '../../protocol/call-acl.ts';
import { APP_DEVICE_ID_PATTERN } from '../../protocol/calls.ts';
import type { ResidentLoginBody, ResidentLoginReply, ResidentProfile } from '../../protocol/resident-api.ts';
import type { HubStore } from '../store/hub-store.ts';
import { hashPassword, randomPassword, verifyPassword } from '../store/passwords.ts';
import type { ResidentSession } from '../store/resident-sessions.ts';
import { residentPanels } from './doors.ts';
import { LoginLimiter } from './login-limiter.ts';

export interface ResidentAccountsOptions {
  store: HubStore;
  clock: Clock;
  logger: Logger;
  /** What the app connects to for call signaling (MQTT over WebSocket); none: the app has no calls. */
  brokerWsUrl?: string | undefined;
  limiter?: LoginLimiter;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{32,200})$/;
/**
 * App devices a resident may hold. A login beyond it ends the least recently used session, so devices
 * that were never logged out (a cleared browser, a lost phone) do not pile up in the panels' directory.
 */
export const MAX_APP_DEVICES = 10;

export class ResidentAccounts {
  readonly #o: ResidentAccountsOptions;
  readonly #limiter: LoginLimiter;
  readonly #logger: Logger;
  /** A hash of nothing anyone knows: an unknown resident costs the same scrypt as a wrong password. */
  #decoy: string | undefined;

  constructor(options: ResidentAccountsOptions) {
    this.#o = options;
    this.#limiter = options.limiter ?? new LoginLimiter(options.clock);
    this.#logger = options.logger.child({ component: 'resident-accounts' });
  }

  /** Sets (or replaces) a resident's password; the clear text is returned this once only. */
  setLogin(residentId: string): { residentId: string; password: string } {
    const resident = this.#o.store.entities.get('residents', residentId);
    if (resident.status !== 'active')
      throw new PortvaktError('conflict', `resident "${residentId}" is not active`);
    const password = randomPassword();
    this.#o.store.sessions.setLoginHash(residentId, hashPassword(password), this.#o.clock.now());
    this.#logger.info({ residentId }, 'resident login set');
    return { residentId, password };
  }

  login(input: ResidentLoginBody, address: string): ResidentLoginReply {
    const { store, clock } = this.#o;
    const { sessions } = store;
    this.#limiter.check(input.residentId, address);
    const resident = store.entities.find('residents', input.residentId);
    const hash = sessions.loginHash(input.residentId);
    const matches = verifyPassword(input.password, hash ?? this.#decoyHash());
    if (resident?.status !== 'active' || hash === undefined || !matches) {
      this.#limiter.failed(input.residentId, address);
      this.#logger.warn({ residentId: input.residentId, address }, 'resident login refused');
      throw new AuthError('wrong resident id or password');
    }
    this.#limiter.succeeded(input.residentId);
    const now = clock.now();
    const held = sessions.listByResident(input.residentId);
    for (const stale of held.slice(0, Math.max(0, held.length - MAX_APP_DEVICES + 1))) {
      this.#logger.info(
        { residentId: input.residentId, appDeviceId: stale.appDeviceId },
        'oldest app device dropped',
      );
      this.#removeDevice(stale.appDeviceId);
    }
    const appDeviceId = `app-${randomBytes(8).toString('hex')}`;
    store.entities.create('appDevices', {
      id: appDeviceId,
      residentId: input.residentId,
      name: input.deviceName,
      lastSeenAt: now,
    });
    const token = randomBytes(32).toString('base64url');
    const mqttPassword = randomPassword();
    try {
      sessions.create({ token, mqttPassword, residentId: input.residentId, appDeviceId, now });
    } catch (err) {
      this.#removeDevice(appDeviceId);
      throw err;
    }
    this.#logger.info({ residentId: input.residentId, appDeviceId }, 'resident logged in');
    const url = this.#o.brokerWsUrl;
    return {
      ...this.#profileOf(input.residentId, appDeviceId),
      token,
      mqtt: url ? { url, username: appDeviceId, password: mqttPassword, clientId: appDeviceId } : null,
    };
  }

  /** The session behind an `Authorization: Bearer …` header; AuthError when there is none. */
  authenticate(authorization: string | undefined): ResidentSession {
    const token = BEARER.exec(authorization ?? '')?.[1];
    const session = token ? this.#o.store.sessions.byToken(token, this.#o.clock.now()) : undefined;
    if (!session || !this.#active(session.residentId))
      throw new AuthError('missing, unknown or ended resident session (log in again)');
    return session;
  }

  profile(session: ResidentSession): ResidentProfile {
    return this.#profileOf(session.residentId, session.appDeviceId);
  }

  /** Ends the session and removes its app device, so panels stop ringing it. */
  logout(session: ResidentSession): void {
    this.#removeDevice(session.appDeviceId);
    this.#logger.info({ residentId: session.residentId, appDeviceId: session.appDeviceId }, 'logged out');
  }

  /** Broker login of an app device (username = app device id, password from its login). */
  brokerLogin(username: string, password: string): boolean {
    if (!APP_DEVICE_ID_PATTERN.test(username)) return false;
    const session = this.#o.store.sessions.byMqttLogin(username, password, this.#o.clock.now());
    const ok = session !== undefined && this.#active(session.residentId);
    if (!ok) this.#logger.warn({ username }, 'broker login of an app device refused');
    return ok;
  }

  brokerMayAccess(username: string, topic: string, access: BrokerAccess): boolean {
    const session = APP_DEVICE_ID_PATTERN.test(username)
      ? this.#o.store.sessions.byAppDevice(username)
      : undefined;
    return session !== undefined && appDeviceMayAccess(username, topic, access);
  }

  #profileOf(residentId: string, appDeviceId: string): ResidentProfile {
    const resident = this.#o.store.entities.get('residents', residentId);
    return {
      residentId,
      name: resident.displayName ?? resident.name,
      appDeviceId,
      panels: residentPanels(this.#o.store, resident, this.#o.clock.now()),
    };
  }

  #active(residentId: string): boolean {
    return this.#o.store.entities.find('residents', residentId)?.status === 'active';
  }

  #removeDevice(appDeviceId: string): void {
    try {
      if (this.#o.store.entities.find('appDevices', appDeviceId))
        this.#o.store.entities.remove('appDevices', appDeviceId);
    } catch (err) {
      this.#logger.error({ appDeviceId, err: errorMessage(err) }, 'could not remove an app device');
      throw err;
    }
    // The foreign key removes the session with its device; this covers a device deleted meanwhile.
    this.#o.store.sessions.deleteByAppDevice(appDeviceId);
  }

  #decoyHash(): string {
    this.#decoy ??= hashPassword(randomPassword());
    return this.#decoy;
  }
}
