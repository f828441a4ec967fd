/**
 * Administrator accounts (migration 7): who may run the hub or which buildings, their password hash
 * (passwords.ts), their TOTP second factor and single-use recovery codes. Only store/ touches SQL; the
 * login flow and the TOTP arithmetic live in accounts/.
 */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { NotFoundError, PortvaktError } from '../../../lib/errors.ts';
import { ADMIN_ROLES, type AdminAccountView, type AdminRole } from '../../protocol/admin-api.ts';
import { sha256 } from './resident-sessions.ts';

const accountRow = z.object({
  id: z.string(),
  username: z.string(),
  display_name: z.string(),
  role: z.enum(ADMIN_ROLES),
  password_hash: z.string(),
  totp_secret: z.string().nullable(),
  totp_pending_secret: z.string().nullable(),
  totp_last_step: z.number().int(),
  disabled: z.number().int(),
  created_at: z.number().int(),
});
type AccountRow = z.output<typeof accountRow>;

/** What the login flow needs of an account (secrets included: it never leaves accounts/). */
export interface AdminCredentials {
  id: string;
  username: string;
  role: AdminRole;
  passwordHash: string;
  totpSecret: string | null;
  totpPendingSecret: string | null;
  totpLastStep: number;
  disabled: boolean;
}

export interface NewAdminAccount {
  id: string;
  username: string;
  displayName: string;
  role: AdminRole;
  passwordHash: string;
  buildingIds: readonly string[];
  createdAt: number;
}

export class AdminAccounts {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  create(a: NewAdminAccount): AdminAccountView {
    this.#db.transaction(() => {
      const taken = this.#db.prepare('SELECT 1 FROM admin_accounts WHERE username = ?').get(a.username);
      if (taken) throw new PortvaktError('conflict', `an account "${a.username}" exists already`);
      this.#db
        .prepare(
          `INSERT INTO admin_accounts (id, username, display_name, role, password_hash, created_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(a.id, a.username, a.displayName, a.role, a.passwordHash, a.createdAt);
      this.#setGrants(a.id, a.buildingIds);
    })();
    return this.view(a.id);
  }

  list(): AdminAccountView[] {
    const ids = this.#db.prepare('SELECT id FROM admin_accounts ORDER BY username').pluck().all() as string[];
    return ids.map((id) => this.view(id));
  }

  view(id: string): AdminAccountView {
    const row = this.#row(id);
    return {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      buildingIds: this.buildingIds(id),
      totpEnrolled: row.totp_secret !== null,
      disabled: row.disabled === 1,
      createdAt: row.created_at,
    };
  }

  credentialsByUsername(username: string): AdminCredentials | undefined {
    const id = this.#db.prepare('SELECT id FROM admin_accounts WHERE username = ?').pluck().get(username);
    return typeof id === 'string' ? this.credentials(id) : undefined;
  }

  credentials(id: string): AdminCredentials {
    const row = this.#row(id);
    return {
      id: row.id,
      username: row.username,
      role: row.role,
      passwordHash: row.password_hash,
      totpSecret: row.totp_secret,
      totpPendingSecret: row.totp_pending_secret,
      totpLastStep: row.totp_last_step,
      disabled: row.disabled === 1,
    };
  }

  buildingIds(id: string): string[] {
    return this.#db
      .prepare('SELECT building_id FROM admin_grants WHERE account_id = ? ORDER BY building_id')
      .pluck()
      .all(id) as string[];
  }

  /** Changes what is given; a password, role, grant or disable change ends the account's sessions. */
  update(
    id: string,
    change: Partial<{
      displayName: string;
      role: AdminRole;
      buildingIds: readonly string[];
      disabled: boolean;
      passwordHash: string;
    }>,
  ): AdminAccountView {
    this.#row(id);
    this.#db.transaction(() => {
      const set = (column: string, value: unknown) =>
        this.#db.prepare(`UPDATE admin_accounts SET ${column} = ? WHERE id = ?`).run(value, id);
      if (change.displayName !== undefined) set('display_name', change.displayName);
      if (change.role !== undefined) set('role', change.role);
      if (change.disabled !== undefined) set('disabled', change.disabled ? 1 : 0);
      if (change.passwordHash !== undefined) set('password_hash', change.passwordHash);
      if (change.buildingIds !== undefined) this.#setGrants(id, change.buildingIds);
      const { displayName: _, ...security } = change;
      if (Object.keys(security).length > 0) this.endSessions(id);
    })();
    return this.view(id);
  }

  remove(id: string): void {
    this.#row(id);
    this.#db.prepare('DELETE FROM admin_accounts WHERE id = ?').run(id);
  }

  /** Starts (or restarts) TOTP enrolment: the secret counts once a code from it is confirmed. */
  setPendingTotp(id: string, secret: string): void {
    this.#db.prepare('UPDATE admin_accounts SET totp_pending_secret = ? WHERE id = ?').run(secret, id);
  }

  /** Confirms enrolment: the pending secret becomes the secret, with fresh recovery codes. */
  confirmTotp(id: string, step: number, recoveryCodes: readonly string[]): void {
    this.#db.transaction(() => {
      this.#db
        .prepare(
          `UPDATE admin_accounts SET totp_secret = totp_pending_secret, totp_pending_secret = NULL,
             totp_last_step = ? WHERE id = ? AND totp_pending_secret IS NOT NULL`,
        )
        .run(step, id);
      this.#db.prepare('DELETE FROM admin_recovery_codes WHERE account_id = ?').run(id);
      const insert = this.#db.prepare(
        'INSERT INTO admin_recovery_codes (account_id, code_hash) VALUES (?, ?)',
      );
      for (const code of recoveryCodes) insert.run(id, sha256(code));
    })();
  }

  /** Removes the second factor (an operator resets a lost phone): the next login enrols again. */
  resetTotp(id: string): void {
    this.#db.transaction(() => {
      this.#db
        .prepare('UPDATE admin_accounts SET totp_secret = NULL, totp_pending_secret = NULL WHERE id = ?')
        .run(id);
      this.#db.prepare('DELETE FROM admin_recovery_codes WHERE account_id = ?').run(id);
      this.endSessions(id);
    })();
  }

  /** Records a used TOTP step; false when that step (or a later one) was used already (a replay). */
  useTotpStep(id: string, step: number): boolean {
    const result = this.#db
      .prepare('UPDATE admin_accounts SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?')
      .run(step, id, step);
    return result.changes === 1;
  }

  /** Uses up a recovery code; false when it is not (or no longer) one of the account's. */
  useRecoveryCode(id: string, code: string): boolean {
    const result = this.#db
      .prepare('DELETE FROM admin_recovery_codes WHERE account_id = ? AND code_hash = ?')
      .run(id, sha256(code));
    return result.changes === 1;
  }

  recoveryCodesLeft(id: string): number {
    return this.#db
      .prepare('SELECT count(*) FROM admin_recovery_codes WHERE account_id = ?')
      .pluck()
      .get(id) as number;
  }

  endSessions(id: string): void {
    this.#db.prepare('DELETE FROM admin_sessions WHERE account_id = ?').run(id);
  }

  #setGrants(id: string, buildingIds: readonly string[]): void {
    this.#db.prepare('DELETE FROM admin_grants WHERE account_id = ?').run(id);
    const insert = this.#db.prepare('INSERT INTO admin_grants (account_id, building_id) VALUES (?, ?)');
    for (const buildingId of new Set(buildingIds)) {
      const exists = this.#db.prepare('SELECT 1 FROM buildings WHERE id = ?').get(buildingId);
      if (!exists) throw new NotFoundError(`no building "${buildingId}"`);
      insert.run(id, buildingId);
    }
  }

  #row(id: string): AccountRow {
    const row = this.#db.prepare('SELECT * FROM admin_accounts WHERE id = ?').get(id);
    if (row === undefined) throw new NotFoundError(`no administrator account "${id}"`);
    return accountRow.parse(row);
  }
}
