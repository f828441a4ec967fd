/**
 * Commands the hub signed and sent, and what the panel answered. A result is accepted only from the panel
 * the command was addressed to, so one panel cannot mark another's commands done.
 */
import type { Database } from 'better-sqlite3';
import type { CommandView } from '../../protocol/admin-panels.ts';
import type { CommandBody, CommandResultMessage } from '../../protocol/messages.ts';

export class CommandLog {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  record(body: CommandBody): void {
    this.#db
      .prepare(
        `INSERT INTO commands (nonce, panel_id, type, body, issued_at, expires_at, status)
         VALUES (?, ?, ?, ?, ?, ?, 'sent')`,
      )
      .run(body.nonce, body.deviceId, body.command.type, JSON.stringify(body), body.issuedAt, body.expiresAt);
  }

  /** Returns false when no sent command of this panel has the nonce (unknown, foreign or answered). */
  recordResult(panelId: string, result: CommandResultMessage): boolean {
    if (result.nonce === undefined) return false;
    const info = this.#db
      .prepare(
        `UPDATE commands SET status = ?, reason = ?, result_at = ?, card_uid = ?
         WHERE nonce = ? AND panel_id = ? AND status = 'sent'`,
      )
      .run(result.status, result.reason ?? null, result.at, result.cardUid ?? null, result.nonce, panelId);
    return info.changes === 1;
  }

  get(nonce: string, now: number): CommandView | undefined {
    const r = this.#db.prepare('SELECT * FROM commands WHERE nonce = ?').get(nonce) as
      | {
          nonce: string;
          panel_id: string;
          type: string;
          body: string;
          issued_at: number;
          expires_at: number;
          status: CommandView['status'];
          reason: string | null;
          result_at: number | null;
          card_uid: string | null;
        }
      | undefined;
    if (!r) return undefined;
    const expired = r.status === 'sent' && now >= r.expires_at;
    return {
      nonce: r.nonce,
      panelId: r.panel_id,
      type: r.type,
      body: JSON.parse(r.body),
      issuedAt: r.issued_at,
      expiresAt: r.expires_at,
      status: expired ? 'expired' : r.status,
      reason: r.reason,
      resultAt: r.result_at,
      cardUid: r.card_uid,
    };
  }
}
