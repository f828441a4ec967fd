/**
 * Pairing requests (migration 12): what an unpaired panel asked for, found by the hash of its code (the
 * administrator's claim) or by its id (the panel's polls, checked against the poll token's hash by the
 * caller). The kit is stored only sealed, and the row goes when the kit is taken or the row expires.
 */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { type SealedKit, sealedKit, type WiredDoor, wiredDoor } from '../../protocol/pairing.ts';

const row = z.object({
  id: z.string(),
  code_hash: z.string(),
  poll_token_hash: z.string(),
  public_key: z.string(),
  source: z.string(),
  doors: z.string(),
  software: z.string().nullable(),
  created_at: z.number().int(),
  expires_at: z.number().int(),
  claimed_at: z.number().int().nullable(),
  panel_id: z.string().nullable(),
  kit: z.string().nullable(),
  ready_at: z.number().int().nullable(),
});

export interface PairingRequestRow {
  id: string;
  codeHash: string;
  pollTokenHash: string;
  publicKey: string;
  source: string;
  doors: WiredDoor[];
  software: string | null;
  createdAt: number;
  expiresAt: number;
  claimedAt: number | null;
  panelId: string | null;
  kit: SealedKit | null;
  readyAt: number | null;
}

export type NewPairingRequest = Pick<
  PairingRequestRow,
  | 'id'
  | 'codeHash'
  | 'pollTokenHash'
  | 'publicKey'
  | 'source'
  | 'doors'
  | 'software'
  | 'createdAt'
  | 'expiresAt'
>;

export class PairingRequests {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** False when the code hash is taken by an open request (the caller draws another code). */
  insert(r: NewPairingRequest): boolean {
    const result = this.#db
      .prepare(
        `INSERT INTO pairing_requests (id, code_hash, poll_token_hash, public_key, source, doors, software,
           created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code_hash) DO NOTHING`,
      )
      .run(
        r.id,
        r.codeHash,
        r.pollTokenHash,
        r.publicKey,
        r.source,
        JSON.stringify(r.doors),
        r.software,
        r.createdAt,
        r.expiresAt,
      );
    return result.changes === 1;
  }

  /** Deletes what expired; returns how many. */
  prune(now: number): number {
    return this.#db.prepare('DELETE FROM pairing_requests WHERE expires_at <= ?').run(now).changes;
  }

  /** Requests still waiting for a claim (the bound on their number). */
  countOpen(now: number): number {
    return this.#db
      .prepare('SELECT count(*) FROM pairing_requests WHERE claimed_at IS NULL AND expires_at > ?')
      .pluck()
      .get(now) as number;
  }

  /** Open requests from one address (each source may hold only a few codes at once). */
  countOpenFrom(source: string, now: number): number {
    return this.#db
      .prepare(
        'SELECT count(*) FROM pairing_requests WHERE source = ? AND claimed_at IS NULL AND expires_at > ?',
      )
      .pluck()
      .get(source, now) as number;
  }

  get(id: string, now: number): PairingRequestRow | undefined {
    const raw = this.#db
      .prepare('SELECT * FROM pairing_requests WHERE id = ? AND expires_at > ?')
      .get(id, now);
    return raw === undefined ? undefined : toRow(raw);
  }

  /** The open (unclaimed, unexpired) request with this code hash. */
  openByCode(codeHash: string, now: number): PairingRequestRow | undefined {
    const raw = this.#db
      .prepare('SELECT * FROM pairing_requests WHERE code_hash = ? AND claimed_at IS NULL AND expires_at > ?')
      .get(codeHash, now);
    return raw === undefined ? undefined : toRow(raw);
  }

  /** The claim: the panel and its sealed kit, kept until `expiresAt`; not handed out before markReady. */
  claim(id: string, c: { panelId: string; kit: SealedKit; at: number; expiresAt: number }): void {
    this.#db
      .prepare(
        `UPDATE pairing_requests SET claimed_at = ?, panel_id = ?, kit = ?, expires_at = ?
         WHERE id = ? AND claimed_at IS NULL`,
      )
      .run(c.at, c.panelId, JSON.stringify(c.kit), c.expiresAt, id);
  }

  markReady(id: string, at: number): void {
    this.#db.prepare('UPDATE pairing_requests SET ready_at = ? WHERE id = ?').run(at, id);
  }

  delete(id: string): void {
    this.#db.prepare('DELETE FROM pairing_requests WHERE id = ?').run(id);
  }
}

function toRow(raw: unknown): PairingRequestRow {
  const r = row.parse(raw);
  return {
    id: r.id,
    codeHash: r.code_hash,
    pollTokenHash: r.poll_token_hash,
    publicKey: r.public_key,
    source: r.source,
    doors: z.array(wiredDoor).parse(JSON.parse(r.doors)),
    software: r.software,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    claimedAt: r.claimed_at,
    panelId: r.panel_id,
    kit: r.kit === null ? null : sealedKit.parse(JSON.parse(r.kit)),
    readyAt: r.ready_at,
  };
}
