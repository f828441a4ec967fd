/**
 * One-time invites for the resident app (hub migration 10): an administrator's invite gives a resident a
 * code to set their own password with. Only the SHA-256 of the code is stored (a 256-bit random value,
 * so a slow hash buys nothing); one invite per resident, a newer one replaces the older; redeeming
 * deletes it, so a code works once.
 */
import type { Database } from 'better-sqlite3';
import { sha256 } from './resident-sessions.ts';
import { Statements } from './statements.ts';

export type InviteLookup =
  | { state: 'valid'; residentId: string }
  | { state: 'expired'; residentId: string }
  | { state: 'unknown' };

export class ResidentInvites {
  readonly #sql: Statements;

  constructor(db: Database) {
    this.#sql = new Statements(db);
  }

  /** Stores (or replaces) the resident's invite. */
  put(residentId: string, code: string, now: number, expiresAt: number): void {
    this.#sql
      .get(
        `INSERT INTO resident_invites (resident_id, code_hash, created_at, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (resident_id) DO UPDATE SET code_hash = excluded.code_hash,
           created_at = excluded.created_at, expires_at = excluded.expires_at`,
      )
      .run(residentId, sha256(code), now, expiresAt);
  }

  /** Takes the invite of a code: deleted whatever its state, so a code is never tried twice. */
  take(code: string, now: number): InviteLookup {
    const hash = sha256(code);
    const row = this.#sql
      .get('SELECT resident_id, expires_at FROM resident_invites WHERE code_hash = ?')
      .get(hash) as { resident_id: string; expires_at: number } | undefined;
    if (!row) return { state: 'unknown' };
    this.#sql.get('DELETE FROM resident_invites WHERE code_hash = ?').run(hash);
    return { state: row.expires_at > now ? 'valid' : 'expired', residentId: row.resident_id };
  }
}
