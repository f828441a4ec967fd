/**
 * Administrator login in two steps. The password (scrypt, failures slowed per account and address by a
 * LoginLimiter of its own) opens a half-open session that can do one thing: the second factor. With TOTP
 * enrolled that is a code from the authenticator app (each 30 s step usable once) or one of the single-use
 * recovery codes; without, it is the enrolment — a new secret is shown, and the first code from it
 * confirms it and returns ten recovery codes, once. Only then is the session a full one.
 *
 * A wrong username and a wrong password get the same answer and the same scrypt cost, so the login does
 * not tell which usernames exist.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../lib/clock/clock.ts';
import { AuthError, ValidationError } from '../../../lib/errors.ts';
import type { AdminRole } from '../../protocol/admin-api.ts';
import { LoginLimiter } from '../residents/login-limiter.ts';
import type { AdminSessionLifetime } from '../store/admin-sessions.ts';
import type { HubStore } from '../store/hub-store.ts';
import { hashPassword, verifyPassword } from '../store/passwords.ts';
import { matchTotp, newRecoveryCodes, newTotpSecret, totpUri } from './totp.ts';

export const DEFAULT_ADMIN_SESSION_LIFETIME: AdminSessionLifetime = {
  secondFactorMs: 5 * 60_000,
  idleMs: 30 * 60_000,
  absoluteMs: 12 * 3_600_000,
};

/** Who a full administrator session belongs to. */
export interface AdminIdentity {
  accountId: string;
  username: string;
  role: AdminRole;
  buildingIds: readonly string[];
}

export type PasswordStep =
  | { token: string; next: 'totp' }
  | { token: string; next: 'enrol_totp'; secret: string; otpauthUri: string };

export interface SecondFactorStep {
  token: string;
  /** Shown once, after enrolment. */
  recoveryCodes?: string[];
  /** After a login with a recovery code: how many are left. */
  recoveryCodesLeft?: number;
}

const WRONG = 'wrong username or password';
/** Spent on unknown usernames, so they cost what a known one does. */
const DUMMY_HASH = hashPassword(randomBytes(16).toString('hex'));

export class AdminLogins {
  readonly #store: HubStore;
  readonly #clock: Clock;
  readonly #lifetime: AdminSessionLifetime;
  readonly #limiter: LoginLimiter;
  readonly #onLogout = new Set<(token: string) => void>();

  constructor(o: { store: HubStore; clock: Clock; lifetime?: AdminSessionLifetime | undefined }) {
    this.#store = o.store;
    this.#clock = o.clock;
    this.#lifetime = o.lifetime ?? DEFAULT_ADMIN_SESSION_LIFETIME;
    this.#limiter = new LoginLimiter(o.clock);
  }

  password(username: string, password: string, address: string): PasswordStep {
    const key = username.toLowerCase();
    this.#limiter.check(key, address);
    const account = this.#store.adminAccounts.credentialsByUsername(username);
    const ok = verifyPassword(password, account?.passwordHash ?? DUMMY_HASH);
    if (!account || !ok || account.disabled) {
      this.#limiter.failed(key, address);
      throw new AuthError(WRONG);
    }
    this.#limiter.succeeded(key, address);
    const token = newToken();
    this.#store.adminSessions.create(token, account.id, false, this.#clock.now());
    if (account.totpSecret !== null) return { token, next: 'totp' };
    const secret = newTotpSecret();
    this.#store.adminAccounts.setPendingTotp(account.id, secret);
    return { token, next: 'enrol_totp', secret, otpauthUri: totpUri(secret, account.username) };
  }

  /** `code`: six digits from the app, or a recovery code (after enrolment only). */
  secondFactor(halfOpenToken: string, code: string, address: string): SecondFactorStep {
    const now = this.#clock.now();
    const session = this.#store.adminSessions.use(halfOpenToken, now, this.#lifetime);
    if (!session || session.secondFactor)
      throw new AuthError('no login in progress (log in with your password first)');
    const accounts = this.#store.adminAccounts;
    const account = accounts.credentials(session.accountId);
    const key = account.username.toLowerCase();
    this.#limiter.check(key, address);
    const fail = (): never => {
      this.#limiter.failed(key, address);
      throw new AuthError('wrong or already used code');
    };
    const code6 = code.replace(/\s/g, '');
    let result: Omit<SecondFactorStep, 'token'> = {};
    if (account.totpSecret === null) {
      const secret = account.totpPendingSecret;
      if (secret === null) throw new ValidationError('no second factor is being set up; log in again');
      const step = matchTotp(secret, code6, now);
      if (step === undefined) fail();
      const recoveryCodes = newRecoveryCodes();
      accounts.confirmTotp(account.id, step!, recoveryCodes);
      result = { recoveryCodes };
    } else {
      const step = matchTotp(account.totpSecret, code6, now);
      if (step !== undefined) {
        if (!accounts.useTotpStep(account.id, step)) fail();
      } else if (accounts.useRecoveryCode(account.id, code.trim().toLowerCase())) {
        result = { recoveryCodesLeft: accounts.recoveryCodesLeft(account.id) };
      } else fail();
    }
    this.#limiter.succeeded(key, address);
    this.#store.adminSessions.end(halfOpenToken);
    const token = newToken();
    this.#store.adminSessions.create(token, account.id, true, now);
    return { token, ...result };
  }

  /**
   * The identity of a full, live session; undefined for anything else (the caller answers 401). A check
   * with `touch: false` does not count as use (the session still goes idle).
   */
  authenticate(token: string, options: { touch?: boolean } = {}): AdminIdentity | undefined {
    const session = this.#store.adminSessions.use(
      token,
      this.#clock.now(),
      this.#lifetime,
      options.touch ?? true,
    );
    if (!session?.secondFactor) return undefined;
    const account = this.#store.adminAccounts.credentials(session.accountId);
    if (account.disabled) return undefined;
    return {
      accountId: account.id,
      username: account.username,
      role: account.role,
      buildingIds: this.#store.adminAccounts.buildingIds(account.id),
    };
  }

  logout(token: string): void {
    this.#store.adminSessions.end(token);
    for (const listener of this.#onLogout) listener(token);
  }

  /** Calls `listener` with the token of each session logged out (live event streams end at once). */
  onLogout(listener: (token: string) => void): () => void {
    this.#onLogout.add(listener);
    return () => this.#onLogout.delete(listener);
  }
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}
