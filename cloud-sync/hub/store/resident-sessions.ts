/**
 * Residents' logins and their app sessions. A resident's password is set by the administrator and kept
 * as a scrypt hash (passwords.ts). Each login creates one app device (an `appDevices` row, which is how the
 * panels learn whom to ring) and one session row here: the bearer token and the app device's MQTT
 * password, both stored only as SHA-256 hashes. They are 256/192-bit random values, so a slow hash would
 * buy nothing and would cost the hub CPU on every request and every broker connect.
 * A session lives until logout, a password reset, idle or absolute expiry (SessionLifetime, checked on
 * every use: an expired session is deleted when it is found), or until its app device or resident is
 * deleted or the resident deactivated (foreign keys and triggers). Each ended session leaves its app
 * device id in `app_device_revocations` (migration 5), which the revocation queue drains to the broker.
 */
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { secretsEqual } from '../../../lib/http/bearer.ts';

export interface ResidentSession {
  residentId: string;
  appDeviceId: string;
  createdAt: number;
  lastUsedAt: number;
}

interface SessionRow {
  resident_id: string;
  app_device_id: string;
  mqtt_password_hash: string;
  created_at: number;
  last_used_at: number;
}

/** How long a session lives: since its last use (idle) and since its login (absolute). */
export interface SessionLifetime {
  idleMs: number;
  absoluteMs: number;
}

export function sha256(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/** Sessions count as used again only this long after the last recorded use (saves a write per request). */
const TOUCH_EVERY_MS = 60_000;

export class ResidentSessions {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /**
   * Sets (or replaces) the resident's password hash and ends every session they have, in one transaction:
   * a reset password leaves no session or broker login of the old one alive. Returns the ended sessions'
   * app device ids.
   */
  setLoginHash(residentId: string, passwordHash: string, now: number): string[] {
    return this.#db.transaction(() => {
      this.#db
        .prepare(
          `INSERT INTO resident_logins (resident_id, password_hash, set_at) VALUES (?, ?, ?)
           ON CONFLICT (resident_id) DO UPDATE SET password_hash = excluded.password_hash, set_at = excluded.set_at`,
        )
        .run(residentId, passwordHash, now);
      return this.deleteByResident(residentId, now);
    })();
  }

  loginHash(residentId: string): string | undefined {
    return this.#db
      .prepare('SELECT password_hash FROM resident_logins WHERE resident_id = ?')
      .pluck()
      .get(residentId) as string | undefined;
  }

  /**
   * A new session for the app device. Logins re-use only devices without one; should one exist anyway,
   * it is replaced (deleted first, so its app device id is queued for revocation).
   */
  create(s: {
    token: string;
    mqttPassword: string;
    residentId: string;
    appDeviceId: string;
    now: number;
  }): void {
    this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM resident_sessions WHERE app_device_id = ?').run(s.appDeviceId);
      this.#db
        .prepare(
          `INSERT INTO resident_sessions
             (token_hash, app_device_id, resident_id, mqtt_password_hash, created_at, last_used_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(sha256(s.token), s.appDeviceId, s.residentId, sha256(s.mqttPassword), s.now, s.now);
    })();
  }

  byToken(token: string, now: number, lifetime: SessionLifetime): ResidentSession | undefined {
    const hash = sha256(token);
    const row = this.#db.prepare('SELECT * FROM resident_sessions WHERE token_hash = ?').get(hash) as
      | SessionRow
      | undefined;
    return row && this.#used(row, now, lifetime);
  }

  /** The session of an app device when `mqttPassword` is its MQTT password (a broker login is a use). */
  byMqttLogin(
    appDeviceId: string,
    mqttPassword: string,
    now: number,
    lifetime: SessionLifetime,
  ): ResidentSession | undefined {
    const row = this.#row(appDeviceId);
    // Hash first either way, so a known and an unknown username take the same time.
    const given = sha256(mqttPassword);
    if (!row || !secretsEqual(given, row.mqtt_password_hash)) return undefined;
    return this.#used(row, now, lifetime);
  }

  /** The live session of an app device (a broker ACL check is a use too). */
  byAppDevice(appDeviceId: string, now: number, lifetime: SessionLifetime): ResidentSession | undefined {
    const row = this.#row(appDeviceId);
    return row && this.#used(row, now, lifetime);
  }

  /** Whether the app device has a session row (live, or expired and not yet found or swept). */
  hasSession(appDeviceId: string): boolean {
    return this.#row(appDeviceId) !== undefined;
  }

  /** Deletes every expired session (they are also deleted when found); returns how many. */
  deleteExpired(now: number, lifetime: SessionLifetime): number {
    const ended = this.#db
      .prepare(
        'DELETE FROM resident_sessions WHERE last_used_at <= ? OR created_at <= ? RETURNING app_device_id',
      )
      .pluck()
      .all(now - lifetime.idleMs, now - lifetime.absoluteMs) as string[];
    this.#dormantFrom(ended, now);
    return ended.length;
  }

  /** Ends every session of the resident (a password reset); returns the app device ids. */
  deleteByResident(residentId: string, now: number): string[] {
    const ended = this.#db
      .prepare('DELETE FROM resident_sessions WHERE resident_id = ? RETURNING app_device_id')
      .pluck()
      .all(residentId) as string[];
    this.#dormantFrom(ended, now);
    return ended;
  }

  /** App device ids whose sessions ended and whose broker revocation is not confirmed yet, oldest first. */
  pendingRevocations(limit: number): string[] {
    return this.#db
      .prepare('SELECT app_device_id FROM app_device_revocations ORDER BY seq LIMIT ?')
      .pluck()
      .all(limit) as string[];
  }

  /** The broker confirmed these revocations. */
  revocationsDone(appDeviceIds: readonly string[]): void {
    const del = this.#db.prepare('DELETE FROM app_device_revocations WHERE app_device_id = ?');
    this.#db.transaction(() => {
      for (const id of appDeviceIds) del.run(id);
    })();
  }

  /**
   * App devices that have had no session since at least `before` (logged out or expired, not logged in
   * again). Ending a session notes its device as dormant; this also notes devices found without a session
   * otherwise (from `now`), and forgets those that have one again.
   */
  dormantDevices(now: number, before: number): string[] {
    return this.#db.transaction(() => {
      this.#db
        .prepare(
          `DELETE FROM app_device_dormancy
             WHERE app_device_id IN (SELECT app_device_id FROM resident_sessions)`,
        )
        .run();
      this.#db
        .prepare(
          `INSERT OR IGNORE INTO app_device_dormancy (app_device_id, since)
             SELECT id, ? FROM app_devices WHERE id NOT IN (SELECT app_device_id FROM resident_sessions)`,
        )
        .run(now);
      return this.#db
        .prepare('SELECT app_device_id FROM app_device_dormancy WHERE since <= ? ORDER BY since')
        .pluck()
        .all(before) as string[];
    })();
  }

  /** A row in use: expired ones are deleted (and so queued for revocation), others touched now and then. */
  #used(row: SessionRow, now: number, lifetime: SessionLifetime): ResidentSession | undefined {
    if (now - row.last_used_at >= lifetime.idleMs || now - row.created_at >= lifetime.absoluteMs) {
      this.deleteByAppDevice(row.app_device_id, now);
      return undefined;
    }
    if (now - row.last_used_at >= TOUCH_EVERY_MS)
      this.#db
        .prepare('UPDATE resident_sessions SET last_used_at = ? WHERE app_device_id = ?')
        .run(now, row.app_device_id);
    return view(row);
  }

  #row(appDeviceId: string): SessionRow | undefined {
    return this.#db.prepare('SELECT * FROM resident_sessions WHERE app_device_id = ?').get(appDeviceId) as
      | SessionRow
      | undefined;
  }

  /** The resident's sessions, least recently used first. */
  listByResident(residentId: string): ResidentSession[] {
    const rows = this.#db
      .prepare('SELECT * FROM resident_sessions WHERE resident_id = ? ORDER BY last_used_at, created_at')
      .all(residentId) as SessionRow[];
    return rows.map(view);
  }

  /** Ends the app device's session (logout); the device counts as dormant from `now`. */
  deleteByAppDevice(appDeviceId: string, now: number): void {
    this.#db.prepare('DELETE FROM resident_sessions WHERE app_device_id = ?').run(appDeviceId);
    this.#dormantFrom([appDeviceId], now);
  }

  #dormantFrom(appDeviceIds: readonly string[], now: number): void {
    const note = this.#db.prepare(
      `INSERT OR IGNORE INTO app_device_dormancy (app_device_id, since)
         SELECT id, ? FROM app_devices WHERE id = ?`,
    );
    for (const id of appDeviceIds) note.run(now, id);
  }
}

function view(row: SessionRow): ResidentSession {
  return {
    residentId: row.resident_id,
    appDeviceId: row.app_device_id,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}
