/**
 * Installer mode's sessions: entered with the installer PIN, one at a time (a new entry ends the one
 * before), ended by the installer, after 10 idle minutes or an hour at most, and by a factory reset.
 * Every entry, wrong PIN, backoff and end is audited; a PIN never is.
 *
 * The order of an entry is the defence: during a backoff the request is refused before anything is read
 * or hashed (a constant, tiny cost); otherwise the attempt is counted on disk first, then the PIN is
 * checked off the event loop (scrypt, lib/crypto/pin-hash.ts), one check at a time.
 */
import { randomBytes } from 'node:crypto';
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import { verifyPin } from '../../lib/crypto/pin-hash.ts';
import { AuthError, ForbiddenError, RateLimitedError } from '../../lib/errors.ts';
import { SafeEmitter } from '../../lib/events.ts';
import { secretsEqual } from '../../lib/http/bearer.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AuditEventInput, AuditLog, AuditPayloads } from '../audit/types.ts';
import { FREE_TRIES, type PinBackoff } from './pin-backoff.ts';
import type { InstallerPinSource } from './pin-source.ts';

export const IDLE_TIMEOUT_MS = 10 * 60_000;
export const MAX_SESSION_MS = 60 * 60_000;

export type LeaveReason = AuditPayloads['installer.left']['reason'];

export interface EnteredSession {
  token: string;
  /** Wall time the session ends unless used again (idle), never later than its absolute end. */
  expiresAt: number;
  idleTimeoutS: number;
}

export interface InstallerStatus {
  /** false: no PIN hash configured, installer mode is off; 'invalid': the data folder's hash is broken. */
  pinConfigured: boolean | 'invalid';
  /** Seconds until a PIN may be tried again (0: now). */
  retryAfterS: number;
}

interface Session {
  id: string;
  token: string;
  startedAt: number;
  lastUsedAt: number;
  timer: TimerHandle | undefined;
}

export interface InstallerSessionsOptions {
  pins: InstallerPinSource;
  backoff: PinBackoff;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  idleTimeoutMs?: number;
  maxSessionMs?: number;
}

export class InstallerSessions {
  readonly #o: InstallerSessionsOptions;
  readonly #idleMs: number;
  readonly #maxMs: number;
  readonly events = new SafeEmitter<{ [event: string]: unknown; ended: { session: string } }>();
  #session: Session | undefined;
  #checking = false;
  /** The backoff (its end time) already audited: one `installer.backoff` row per backoff. */
  #auditedBackoff = 0;

  constructor(options: InstallerSessionsOptions) {
    this.#o = options;
    this.#idleMs = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
    this.#maxMs = options.maxSessionMs ?? MAX_SESSION_MS;
  }

  async status(): Promise<InstallerStatus> {
    await this.#o.backoff.load();
    const source = await this.#o.pins.current();
    const pinConfigured = source.kind === 'invalid' ? 'invalid' : source.kind !== 'none';
    return { pinConfigured, retryAfterS: Math.ceil(this.#o.backoff.retryAfterMs() / 1000) };
  }

  /** Enters installer mode with `pin` (already checked to be 6-12 digits). */
  async enter(pin: string): Promise<EnteredSession> {
    const { backoff, clock } = this.#o;
    if (this.#checking) throw new RateLimitedError('a PIN is being checked; try again in a moment', 1000);
    this.#checking = true;
    try {
      await backoff.load();
      const wait = backoff.retryAfterMs();
      if (wait > 0) {
        if (this.#auditedBackoff !== backoff.lockedUntil) {
          this.#auditedBackoff = backoff.lockedUntil;
          this.#record({
            type: 'installer.backoff',
            data: { failures: backoff.failures, retryAfterS: Math.ceil(wait / 1000) },
          });
        }
        throw new RateLimitedError(`too many wrong PINs: try again in ${Math.ceil(wait / 1000)} s`, wait);
      }
      const source = await this.#o.pins.current();
      if (source.kind === 'none')
        throw new ForbiddenError(
          'installer mode is disabled: no installer PIN is set (api.installerPinHash from `portvakt-hub provision`, or `portvakt set-installer-pin`)',
        );
      if (source.kind === 'invalid')
        throw new ForbiddenError(
          `installer mode is disabled: ${source.path} holds no valid PIN hash (set it again with \`portvakt set-installer-pin\`)`,
        );
      const lockedFor = await backoff.countAttempt();
      if (!(await verifyPin(pin, source.hash))) {
        this.#record({
          type: 'installer.pin_refused',
          data: { failures: backoff.failures, lockedForS: Math.ceil(lockedFor / 1000) },
        });
        const left = FREE_TRIES - backoff.failures;
        throw new AuthError(
          lockedFor > 0
            ? `wrong PIN; the next try in ${Math.ceil(lockedFor / 1000)} s`
            : `wrong PIN; ${left} ${left === 1 ? 'try' : 'tries'} before a wait`,
        );
      }
      await backoff.clear();
      const replaced = this.#session;
      if (replaced) this.#end(replaced, 'replaced');
      const now = clock.monotonic();
      const session: Session = {
        id: randomBytes(4).toString('hex'),
        token: randomBytes(32).toString('base64url'),
        startedAt: now,
        lastUsedAt: now,
        timer: undefined,
      };
      this.#session = session;
      this.#arm(session);
      this.#record({
        type: 'installer.entered',
        data: { session: session.id, replaced: replaced?.id ?? null },
      });
      return { token: session.token, expiresAt: this.#expiresAt(session), idleTimeoutS: this.#idleMs / 1000 };
    } finally {
      this.#checking = false;
    }
  }

  /**
   * The session `token` names, touched (its idle time starts again); undefined when it names none (or
   * one that has just run out). Compared in constant time.
   */
  use(token: string): { id: string; expiresAt: number } | undefined {
    const session = this.#session;
    if (!session || !secretsEqual(token, session.token)) return undefined;
    const now = this.#o.clock.monotonic();
    if (this.#deadline(session) <= now) {
      this.#end(session, this.#endReason(session, now));
      return undefined;
    }
    session.lastUsedAt = now;
    this.#arm(session);
    return { id: session.id, expiresAt: this.#expiresAt(session) };
  }

  /** Whether `token` is the current session's, without touching it (a stream's periodic check). */
  isCurrent(token: string): boolean {
    const session = this.#session;
    return session !== undefined && secretsEqual(token, session.token);
  }

  /** Ends the session `token` names; false when it names none. */
  leave(token: string): boolean {
    const session = this.#session;
    if (!session || !secretsEqual(token, session.token)) return false;
    this.#end(session, 'left');
    return true;
  }

  /** Ends any session (a factory reset). */
  endAll(reason: LeaveReason): void {
    if (this.#session) this.#end(this.#session, reason);
  }

  stop(): void {
    this.#o.clock.clearTimeout(this.#session?.timer);
    this.#session = undefined;
  }

  #deadline(s: Session): number {
    return Math.min(s.lastUsedAt + this.#idleMs, s.startedAt + this.#maxMs);
  }

  #endReason(s: Session, now: number): LeaveReason {
    return now >= s.startedAt + this.#maxMs ? 'expired' : 'idle';
  }

  #expiresAt(s: Session): number {
    const { clock } = this.#o;
    return clock.now() + (this.#deadline(s) - clock.monotonic());
  }

  #arm(s: Session): void {
    const { clock } = this.#o;
    clock.clearTimeout(s.timer);
    s.timer = clock.setTimeout(
      () => {
        if (this.#session === s) this.#end(s, this.#endReason(s, clock.monotonic()));
      },
      Math.max(0, this.#deadline(s) - clock.monotonic()),
    );
  }

  #end(s: Session, reason: LeaveReason): void {
    this.#o.clock.clearTimeout(s.timer);
    if (this.#session === s) this.#session = undefined;
    this.#record({ type: 'installer.left', data: { session: s.id, reason } });
    this.events.emit('ended', { session: s.id });
  }

  #record(event: AuditEventInput): void {
    try {
      this.#o.audit.append(event);
    } catch (err) {
      this.#o.logger.error({ err, type: event.type }, 'could not record an installer mode event');
    }
  }
}
