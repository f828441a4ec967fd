/**
 * Resident accounts for the resident web app: the admin sets a resident's password (shown once); a login
 * gets an app device for the resident (app-device-slots.ts: re-used across logins of one install), a
 * session token and the app device's broker credentials. The broker asks back (brokerLogin /
 * brokerMayAccess) when the app connects and subscribes or publishes.
 *
 * Sessions end on logout, password reset, idle or absolute expiry (checked on every use and swept
 * periodically), and with their app device or resident. An app device left without a session leaves the
 * panels' directory after a grace period (a re-login of the same install within it changes no config). Every ended session is queued for the broker
 * (revocation-queue.ts → AppDeviceRevoker), and the hub's auth backend refuses it from that moment.
 */
import { randomBytes } from 'node:crypto';
import type { Clock, TimerHandle } from '../../../lib/clock/clock.ts';
import { AuthError, errorMessage, ForbiddenError, PortvaktError } from '../../../lib/errors.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import { appDeviceMayAccess, type BrokerAccess } from '../../protocol/call-acl.ts';
import { APP_DEVICE_ID_PATTERN } from '../../protocol/calls.ts';
import type { ResidentLoginBody, ResidentLoginReply, ResidentProfile } from '../../protocol/resident-api.ts';
import type { EntityChange } from '../store/entities.ts';
import type { HubStore } from '../store/hub-store.ts';
import { hashPassword, randomPassword, verifyPassword } from '../store/passwords.ts';
import type { ResidentSession, SessionLifetime } from '../store/resident-sessions.ts';
import { type AppDeviceRevoker, LoggingAppDeviceRevoker } from './app-device-revoker.ts';
import { appDeviceForLogin } from './app-device-slots.ts';
import { residentPanels } from './doors.ts';
import { LoginLimiter } from './login-limiter.ts';
import { DEFAULT_RESIDENT_RATE_LIMITS, RateLimit, type ResidentRateLimits } from './rate-limit.ts';
import { RevocationQueue } from './revocation-queue.ts';

export { MAX_APP_DEVICES } from './app-device-slots.ts';

export interface ResidentAccountsOptions {
  store: HubStore;
  clock: Clock;
  logger: Logger;
  /** What the app connects to for call signaling (MQTT over WebSocket); none: the app has no calls. */
  brokerWsUrl?: string | undefined;
  limiter?: LoginLimiter;
  rateLimits?: ResidentRateLimits;
  /** Session expiry, and how often expired sessions are ended unasked (settings.ts has the defaults). */
  sessions?: SessionLifetime & { dormantDeviceMs: number; sweepIntervalMs: number };
  /** Ends broker connections of ended sessions; the default only logs (the auth backend refuses them). */
  revoker?: AppDeviceRevoker;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{32,200})$/;
const DAY_MS = 86_400_000;
const DEFAULT_SESSIONS = {
  idleMs: 30 * DAY_MS,
  absoluteMs: 90 * DAY_MS,
  dormantDeviceMs: 3_600_000,
  sweepIntervalMs: 60_000,
};

export class ResidentAccounts {
  readonly #o: ResidentAccountsOptions;
  readonly #limiter: LoginLimiter;
  readonly #logger: Logger;
  readonly #lifetime: SessionLifetime & { dormantDeviceMs: number; sweepIntervalMs: number };
  readonly #loginRate: RateLimit;
  readonly #openRate: RateLimit;
  /** Where the self-service routes record what a resident changed (field names only, never values). */
  readonly selfServiceLogger: Logger;
  /** Hands ended sessions to the broker's revoker; tests and the lead's wiring may await `drain()`. */
  readonly revocations: RevocationQueue;
  #sweep: TimerHandle | undefined;
  #unlisten: (() => void) | undefined;
  /** A hash of nothing anyone knows: an unknown resident costs the same scrypt as a wrong password. */
  #decoy: string | undefined;

  constructor(options: ResidentAccountsOptions) {
    this.#o = options;
    const { clock } = options;
    this.#limiter = options.limiter ?? new LoginLimiter(clock);
    this.#logger = options.logger.child({ component: 'resident-accounts' });
    this.selfServiceLogger = options.logger.child({ component: 'resident-self-service' });
    this.#lifetime = options.sessions ?? DEFAULT_SESSIONS;
    const rates = options.rateLimits ?? DEFAULT_RESIDENT_RATE_LIMITS;
    this.#loginRate = new RateLimit(clock, rates.loginsPerAddress, 'login attempts');
    this.#openRate = new RateLimit(clock, rates.opensPerResident, 'door opens');
    this.revocations = new RevocationQueue({
      sessions: options.store.sessions,
      revoker: options.revoker ?? new LoggingAppDeviceRevoker(options.logger),
      clock,
      logger: options.logger,
    });
  }

  /**
   * Starts the periodic expiry sweep, revokes what an earlier run left queued, and follows admin changes
   * that end sessions (a removed app device or resident, a deactivated resident: the database ends the
   * sessions in the same transaction; this hands them to the broker once it committed).
   */
  start(): void {
    this.#unlisten = this.#o.store.entities.onChange((changes) =>
      changes.some(endsSessions) ? () => void this.revocations.drain() : undefined,
    );
    this.#scheduleSweep();
    void this.revocations.drain();
  }

  stop(): void {
    this.#unlisten?.();
    this.#o.clock.clearTimeout(this.#sweep);
    this.#sweep = undefined;
    this.revocations.stop();
  }

  /**
   * Sets (or replaces) a resident's password; the clear text is returned this once only. Every session
   * of the old password ends, and their broker connections with them.
   */
  async setLogin(residentId: string): Promise<{ residentId: string; password: string }> {
    const resident = this.#o.store.entities.get('residents', residentId);
    if (resident.status !== 'active')
      throw new PortvaktError('conflict', `resident "${residentId}" is not active`);
    const password = randomPassword();
    const ended = this.#o.store.sessions.setLoginHash(
      residentId,
      hashPassword(password),
      this.#o.clock.now(),
    );
    this.#logger.info({ residentId, endedSessions: ended }, 'resident login set');
    await this.revocations.drain();
    return { residentId, password };
  }

  /** `address` is the client's (client-address.ts), which the rate limit and the backoff key on. */
  async login(input: ResidentLoginBody, address: string): Promise<ResidentLoginReply> {
    const { store, clock } = this.#o;
    const { sessions } = store;
    this.#loginRate.take(address);
    this.#limiter.check(input.residentId, address);
    const resident = store.entities.find('residents', input.residentId);
    const hash = sessions.loginHash(input.residentId);
    const matches = verifyPassword(input.password, hash ?? this.#decoyHash());
    if (resident?.status !== 'active' || hash === undefined || !matches) {
      this.#limiter.failed(input.residentId, address);
      this.#logger.warn({ residentId: input.residentId, address }, 'resident login refused');
      throw new AuthError('wrong resident id or password');
    }
    this.#limiter.succeeded(input.residentId, address);
    const now = clock.now();
    const appDeviceId = appDeviceForLogin(store, this.#logger, { ...input, now });
    const token = randomBytes(32).toString('base64url');
    const mqttPassword = randomPassword();
    sessions.create({ token, mqttPassword, residentId: input.residentId, appDeviceId, now });
    // Before the new credentials leave the hub: a revocation of this device still queued (its logout, a
    // broker that was down) must not cut the connection the new credentials are about to open.
    await this.revocations.drain();
    this.#logger.info({ residentId: input.residentId, appDeviceId }, 'resident logged in');
    const url = this.#o.brokerWsUrl;
    return {
      ...this.#profileOf(input.residentId, appDeviceId),
      token,
      mqtt: url ? { url, username: appDeviceId, password: mqttPassword, clientId: appDeviceId } : null,
    };
  }

  /**
   * Re-checks the resident's current password before a sensitive self-service change (the panel PIN):
   * a stolen session alone cannot make one. Wrong passwords count as failed logins (the same backoff);
   * a wrong one is a ForbiddenError, not a 401, since the session itself is fine.
   */
  confirmPassword(residentId: string, password: string, address: string): void {
    this.#limiter.check(residentId, address);
    const hash = this.#o.store.sessions.loginHash(residentId);
    if (hash === undefined || !verifyPassword(password, hash)) {
      this.#limiter.failed(residentId, address);
      this.#logger.warn({ residentId, address }, 'password re-check failed');
      throw new ForbiddenError('wrong password');
    }
    this.#limiter.succeeded(residentId, address);
  }

  /** The session behind an `Authorization: Bearer …` header; AuthError when there is none. */
  authenticate(authorization: string | undefined): ResidentSession {
    const token = BEARER.exec(authorization ?? '')?.[1];
    const session = token
      ? this.#o.store.sessions.byToken(token, this.#o.clock.now(), this.#lifetime)
      : undefined;
    // An expired one was deleted just now: hand it to the broker.
    if (token && !session) void this.revocations.drain();
    if (!session || !this.#active(session.residentId))
      throw new AuthError('missing, unknown or ended resident session (log in again)');
    return session;
  }

  profile(session: ResidentSession): ResidentProfile {
    return this.#profileOf(session.residentId, session.appDeviceId);
  }

  /** Takes one remote open of the resident's; RateLimitedError (429) beyond the rate. */
  takeOpen(session: ResidentSession): void {
    this.#openRate.take(session.residentId);
  }

  /**
   * Ends the session and its broker connection. The app device stays for `dormantDeviceMs` (the install
   * logs in to it again without a config version); panels may ring it meanwhile, but nobody can read
   * those messages without a session. The sweep then removes it.
   */
  async logout(session: ResidentSession): Promise<void> {
    this.#o.store.sessions.deleteByAppDevice(session.appDeviceId, this.#o.clock.now());
    this.#logger.info({ residentId: session.residentId, appDeviceId: session.appDeviceId }, 'logged out');
    await this.revocations.drain();
  }

  /** Broker login of an app device (username = app device id, password from its login). */
  brokerLogin(username: string, password: string): boolean {
    if (!APP_DEVICE_ID_PATTERN.test(username)) return false;
    const session = this.#o.store.sessions.byMqttLogin(
      username,
      password,
      this.#o.clock.now(),
      this.#lifetime,
    );
    const ok = session !== undefined && this.#active(session.residentId);
    if (!ok) {
      this.#logger.warn({ username }, 'broker login of an app device refused');
      void this.revocations.drain();
    }
    return ok;
  }

  brokerMayAccess(username: string, topic: string, access: BrokerAccess): boolean {
    const session = APP_DEVICE_ID_PATTERN.test(username)
      ? this.#o.store.sessions.byAppDevice(username, this.#o.clock.now(), this.#lifetime)
      : undefined;
    return (
      session !== undefined && this.#active(session.residentId) && appDeviceMayAccess(username, topic, access)
    );
  }

  /**
   * The periodic sweep: ends expired sessions (and revokes them at the broker), and removes app devices
   * that have had no session for `dormantDeviceMs` from the panels' directory (one config version each).
   */
  async sweep(): Promise<void> {
    const { store, clock } = this.#o;
    const now = clock.now();
    const ended = store.sessions.deleteExpired(now, this.#lifetime);
    if (ended > 0) this.#logger.info({ ended }, 'expired resident sessions ended');
    for (const appDeviceId of store.sessions.dormantDevices(now, now - this.#lifetime.dormantDeviceMs)) {
      this.#logger.info({ appDeviceId }, 'app device without a session removed from the directory');
      if (store.entities.find('appDevices', appDeviceId)) store.entities.remove('appDevices', appDeviceId);
    }
    await this.revocations.drain();
  }

  #scheduleSweep(): void {
    this.#sweep = this.#o.clock.setTimeout(() => {
      void this.sweep()
        .catch((err: unknown) =>
          this.#logger.error({ err: errorMessage(err) }, 'resident session sweep failed; next one retries'),
        )
        .finally(() => {
          if (this.#sweep) this.#scheduleSweep();
        });
    }, this.#lifetime.sweepIntervalMs);
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

  #decoyHash(): string {
    this.#decoy ??= hashPassword(randomPassword());
    return this.#decoy;
  }
}

/** Admin changes after which the database has ended sessions (see migration 5's triggers). */
function endsSessions(change: EntityChange): boolean {
  if (change.entity === 'appDevices') return change.after === undefined;
  if (change.entity !== 'residents') return false;
  const after = change.after as { status?: string } | undefined;
  return after === undefined || after.status !== 'active';
}
