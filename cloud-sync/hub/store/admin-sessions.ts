/**
 * Administrator sessions (migration 7): bearer tokens stored as SHA-256 hashes (256-bit random values,
 * so a slow hash would buy nothing). A session is either half-open (the password was right; it may only
 * complete the second factor, and lives minutes) or full. Expiry is checked on every use: an expired
 * session is deleted when it is found.
 */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { sha256 } from './resident-sessions.ts';

export interface AdminSessionLifetime {
  /** A half-open session (between password and TOTP). */
  secondFactorMs: number;
  idleMs: number;
  absoluteMs: number;
}

export interface AdminSession {
  accountId: string;
  secondFactor: boolean;
  createdAt: number;
}

const sessionRow = z.object({
  account_id: z.string(),
  second_factor: z.number().int(),
  created_at: z.number().int(),
  last_used_at: z.number().int(),
});

/** Use is recorded at most this often (saves a write per request). */
const TOUCH_EVERY_MS = 30_000;

export class AdminSessions {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  create(token: string, accountId: string, secondFactor: boolean, now: number): void {
    this.#db
      .prepare(
        `INSERT INTO admin_sessions (token_hash, account_id, second_factor, created_at, last_used_at)
         VALUES (?, ?, ?, ?, ?)`,
      )
      .run(sha256(token), accountId, secondFactor ? 1 : 0, now, now);
  }

  /**
   * The live session of a token, touched (unless `touch` is false: a long-lived event stream checks its
   * session is still there without keeping it from going idle); undefined for an unknown or expired one
   * (deleted then).
   */
  use(token: string, now: number, lifetime: AdminSessionLifetime, touch = true): AdminSession | undefined {
    const hash = sha256(token);
    const raw = this.#db.prepare('SELECT * FROM admin_sessions WHERE token_hash = ?').get(hash);
    if (raw === undefined) return undefined;
    const row = sessionRow.parse(raw);
    const full = row.second_factor === 1;
    const expired = full
      ? now - row.last_used_at >= lifetime.idleMs || now - row.created_at >= lifetime.absoluteMs
      : now - row.created_at >= lifetime.secondFactorMs;
    if (expired) {
      this.end(token);
      return undefined;
    }
    if (touch && now - row.last_used_at >= TOUCH_EVERY_MS)
      this.#db.prepare('UPDATE admin_sessions SET last_used_at = ? WHERE token_hash = ?').run(now, hash);
    return { accountId: row.account_id, secondFactor: full, createdAt: row.created_at };
  }

  end(token: string): void {
    this.#db.prepare('DELETE FROM admin_sessions WHERE token_hash = ?').run(sha256(token));
  }
}
