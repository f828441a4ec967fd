/**
 * The sync agent's rows in the store: the config version and acked seq (sync_state), accepted command
 * nonces (sync_nonces), and the outbox operations on audit_events (counting, overflow drops, pruning of
 * acked history). See migration 2.
 */
import type { Database, Statement } from 'better-sqlite3';

type Key = 'config_version' | 'config_epoch' | 'acked_seq';

/**
 * The row of sync_nonces that holds the nonce horizon (the latest expiry ever pruned) instead of a
 * nonce: shorter than any command nonce (16+ characters), so no command can name it.
 */
const HORIZON_ROW = '~horizon';

export class SyncState {
  readonly #get: Statement<[Key], number>;
  readonly #set: Statement<[number, Key]>;
  readonly #hasNonce: Statement<[string], number>;
  readonly #addNonce: Statement<[string, number]>;
  readonly #pruneNonces: Statement<[number, string]>;
  readonly #latestExpired: Statement<[number, string], number | null>;
  readonly #raiseHorizon: Statement<[string, number]>;
  readonly #horizon: Statement<[string], number>;
  readonly #countNonces: Statement<[string], number>;
  readonly #countAfter: Statement<[number], number>;
  readonly #pruneAcked: Statement<[number, number, number]>;
  readonly #pruneAllAcked: Statement<[number]>;
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
    this.#get = db.prepare<[Key], number>('SELECT value FROM sync_state WHERE key = ?').pluck();
    this.#set = db.prepare('UPDATE sync_state SET value = ? WHERE key = ?');
    this.#hasNonce = db.prepare<[string], number>('SELECT 1 FROM sync_nonces WHERE nonce = ?').pluck();
    this.#addNonce = db.prepare('INSERT OR IGNORE INTO sync_nonces (nonce, expires_at) VALUES (?, ?)');
    this.#pruneNonces = db.prepare('DELETE FROM sync_nonces WHERE expires_at <= ? AND nonce <> ?');
    this.#latestExpired = db
      .prepare<[number, string], number | null>(
        'SELECT max(expires_at) FROM sync_nonces WHERE expires_at <= ? AND nonce <> ?',
      )
      .pluck();
    this.#raiseHorizon = db.prepare(
      `INSERT INTO sync_nonces (nonce, expires_at) VALUES (?, ?)
       ON CONFLICT (nonce) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)`,
    );
    this.#horizon = db
      .prepare<[string], number>('SELECT expires_at FROM sync_nonces WHERE nonce = ?')
      .pluck();
    this.#countNonces = db
      .prepare<[string], number>('SELECT count(*) FROM sync_nonces WHERE nonce <> ?')
      .pluck();
    this.#countAfter = db
      .prepare<[number], number>('SELECT count(*) FROM audit_events WHERE seq > ?')
      .pluck();
    // Keeps the newest `retain` acked rows: deletes acked rows older than the retain-th newest acked one.
    this.#pruneAcked = db.prepare(
      `DELETE FROM audit_events WHERE seq <= ? AND seq < (
         SELECT seq FROM audit_events WHERE seq <= ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
    );
    this.#pruneAllAcked = db.prepare('DELETE FROM audit_events WHERE seq <= ?');
  }

  configVersion(): number {
    return this.#get.get('config_version') ?? 0;
  }

  /** Call inside the transaction that changes the building data. */
  setConfigVersion(version: number): void {
    this.#set.run(version, 'config_version');
  }

  configEpoch(): number {
    return this.#get.get('config_epoch') ?? 0;
  }

  /** Call inside the transaction that changes the building data. */
  setConfigEpoch(epoch: number): void {
    this.#set.run(epoch, 'config_epoch');
  }

  /** The hub keys learned under `anchor` (the configured key); undefined when none or another anchor. */
  hubKeys(anchor: string): string[] | undefined {
    const row = this.#db.prepare('SELECT anchor, keys FROM sync_hub_keys WHERE id = 1').get() as
      | { anchor: string; keys: string }
      | undefined;
    if (!row || row.anchor !== anchor) return undefined;
    const keys: unknown = JSON.parse(row.keys);
    return Array.isArray(keys) && keys.every((k) => typeof k === 'string') ? keys : undefined;
  }

  setHubKeys(anchor: string, keys: readonly string[]): void {
    this.#db
      .prepare('INSERT OR REPLACE INTO sync_hub_keys (id, anchor, keys) VALUES (1, ?, ?)')
      .run(anchor, JSON.stringify(keys));
  }

  ackedSeq(): number {
    return this.#get.get('acked_seq') ?? 0;
  }

  /**
   * Raises the acked seq (never lowers it) and prunes acked rows beyond `retainAcked`, in one transaction.
   */
  ack(upToSeq: number, retainAcked: number): void {
    this.#db.transaction(() => {
      const acked = Math.max(this.ackedSeq(), upToSeq);
      this.#set.run(acked, 'acked_seq');
      if (retainAcked <= 0) this.#pruneAllAcked.run(acked);
      else this.#pruneAcked.run(acked, acked, retainAcked - 1);
    })();
  }

  unackedCount(): number {
    return this.#countAfter.get(this.ackedSeq()) ?? 0;
  }

  /**
   * Deletes up to `limit` of the oldest unacked rows whose type matches one of the GLOB `patterns`
   * (or, with `exclude`, matches none of them); returns the dropped count per type.
   */
  dropOldestUnacked(patterns: readonly string[], exclude: boolean, limit: number): Record<string, number> {
    if (limit <= 0) return {};
    const match = patterns.map(() => 'type GLOB ?').join(' OR ') || '0';
    const where = exclude ? `NOT (${match})` : `(${match})`;
    const rows = this.#db
      .prepare<unknown[], { seq: number; type: string }>(
        `SELECT seq, type FROM audit_events WHERE seq > ? AND ${where} ORDER BY seq LIMIT ?`,
      )
      .all(this.ackedSeq(), ...patterns, limit);
    const del = this.#db.prepare<[number]>('DELETE FROM audit_events WHERE seq = ?');
    const counts: Record<string, number> = {};
    this.#db.transaction(() => {
      for (const row of rows) {
        del.run(row.seq);
        counts[row.type] = (counts[row.type] ?? 0) + 1;
      }
    })();
    return counts;
  }

  hasNonce(nonce: string): boolean {
    return this.#hasNonce.get(nonce) !== undefined;
  }

  /** False when the nonce is already there. */
  addNonce(nonce: string, expiresAt: number): boolean {
    return this.#addNonce.run(nonce, expiresAt).changes > 0;
  }

  /**
   * Forgets the nonces that expired at or before `cutoff`, raising the horizon to the latest expiry
   * forgotten, in one transaction: a nonce is never gone without the horizon covering its command.
   */
  pruneNonces(cutoff: number): void {
    this.#db.transaction(() => {
      const latest = this.#latestExpired.get(cutoff, HORIZON_ROW);
      if (latest === null || latest === undefined) return;
      this.#raiseHorizon.run(HORIZON_ROW, latest);
      this.#pruneNonces.run(cutoff, HORIZON_ROW);
    })();
  }

  /** The latest expiry of a pruned nonce (survives restarts); -Infinity before the first prune. */
  nonceHorizon(): number {
    return this.#horizon.get(HORIZON_ROW) ?? Number.NEGATIVE_INFINITY;
  }

  nonceCount(): number {
    return this.#countNonces.get(HORIZON_ROW) ?? 0;
  }
}
