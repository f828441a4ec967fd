/**
 * Residents' logins and their app sessions. A resident's password is set by the administrator and kept
 * as a scrypt hash (passwords.ts). Each login creates one app device (an `appDevices` row, which is how the
 * panels learn whom to ring) and one session row here: the bearer token and the app device's MQTT
 * password, both stored only as SHA-256 hashes. They are 256/192-bit random values, so a slow hash would
 * buy nothing and would cost the hub CPU on every request and every broker connect.
 * A session lives until logout, or until its app device or resident is deleted (foreign keys cascade).
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

  setLoginHash(residentId: string, passwordHash: string, now: number): void {
    this.#db
      .prepare(
        `INSERT INTO resident_logins (resident_id, password_hash, set_at) VALUES (?, ?, ?)
         ON CONFLICT (resident_id) DO UPDATE SET password_hash = excluded.password_hash, set_at = excluded.set_at`,
      )
      .run(residentId, passwordHash, now);
  }

  loginHash(residentId: string): string | undefined {
    return this.#db
      .prepare('SELECT password_hash FROM resident_logins WHERE resident_id = ?')
      .pluck()
      .get(residentId) as string | undefined;
  }

  create(s: {
    token: string;
    mqttPassword: string;
    residentId: string;
    appDeviceId: string;
    now: number;
  }): void {
    this.#db
      .prepare(
        `INSERT INTO resident_sessions
           (token_hash, app_device_id, resident_id, mqtt_password_hash, created_at, last_used_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(sha256(s.token), s.appDeviceId, s.residentId, sha256(s.mqttPassword), s.now, s.now);
  }

  byToken(token: string, now: number): ResidentSession | undefined {
    const hash = sha256(token);
    const row = this.#db.prepare('SELECT * FROM resident_sessions WHERE token_hash = ?').get(hash) as
      | SessionRow
      | undefined;
    if (!row) return undefined;
    if (now - row.last_used_at >= TOUCH_EVERY_MS)
      this.#db.prepare('UPDATE resident_sessions SET last_used_at = ? WHERE token_hash = ?').run(now, hash);
    return view(row);
  }

  /** The session of an app device when `mqttPassword` is its MQTT password (a broker login is a use). */
  byMqttLogin(appDeviceId: string, mqttPassword: string, now: number): ResidentSession | undefined {
    const row = this.#db
      .prepare('SELECT * FROM resident_sessions WHERE app_device_id = ?')
      .get(appDeviceId) as SessionRow | undefined;
    // Hash first either way, so a known and an unknown username take the same time.
    const given = sha256(mqttPassword);
    if (!row || !secretsEqual(given, row.mqtt_password_hash)) return undefined;
    if (now - row.last_used_at >= TOUCH_EVERY_MS)
      this.#db
        .prepare('UPDATE resident_sessions SET last_used_at = ? WHERE app_device_id = ?')
        .run(now, appDeviceId);
    return view(row);
  }

  /** The resident's sessions, least recently used first. */
  listByResident(residentId: string): ResidentSession[] {
    const rows = this.#db
      .prepare('SELECT * FROM resident_sessions WHERE resident_id = ? ORDER BY last_used_at, created_at')
      .all(residentId) as SessionRow[];
    return rows.map(view);
  }

  byAppDevice(appDeviceId: string): ResidentSession | undefined {
    const row = this.#db
      .prepare('SELECT * FROM resident_sessions WHERE app_device_id = ?')
      .get(appDeviceId) as SessionRow | undefined;
    return row && view(row);
  }

  deleteByAppDevice(appDeviceId: string): void {
    this.#db.prepare('DELETE FROM resident_sessions WHERE app_device_id = ?').run(appDeviceId);
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
