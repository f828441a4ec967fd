/**
 * What a resident's sign-in at the panel reads (device/resident-panel/): the card a tap was made with,
 * the resident with their panel PIN hash and own choices, and their own bells on this panel (every bell
 * in the store is this panel's). A few indexed rows per sign-in.
 */
import type { Database, Statement } from 'better-sqlite3';

export interface SignInCard {
  id: string;
  residentId: string;
  status: 'active' | 'blocked' | 'revoked';
  validFrom: number | null;
  validUntil: number | null;
}

export interface SignInResident {
  id: string;
  name: string;
  status: 'active' | 'removed';
  displayName: string | null;
  hidden: boolean;
  panelPinHash: string | null;
}

export class ResidentPanelLookup {
  readonly #card: Statement<[string], SignInCard>;
  readonly #resident: Statement<[string], Omit<SignInResident, 'hidden'> & { hidden: number }>;
  readonly #bellTexts: Statement<[string], string>;

  constructor(db: Database) {
    this.#card = db.prepare(
      `SELECT id, resident_id AS residentId, status, valid_from AS validFrom, valid_until AS validUntil
       FROM cards WHERE id = ?`,
    );
    this.#resident = db.prepare(
      `SELECT id, name, status, display_name AS displayName, hidden, panel_pin_hash AS panelPinHash
       FROM residents WHERE id = ?`,
    );
    this.#bellTexts = db
      .prepare<[string], string>(
        `SELECT display_text FROM bells WHERE type = 'separate' AND resident_id = ? ORDER BY sort_key, id`,
      )
      .pluck();
  }

  card(cardId: string): SignInCard | undefined {
    return this.#card.get(cardId);
  }

  resident(residentId: string): SignInResident | undefined {
    const row = this.#resident.get(residentId);
    return row && { ...row, hidden: row.hidden === 1 };
  }

  /** The texts of the resident's own (separate) bells here, in list order; empty: none. */
  ownBellTexts(residentId: string): string[] {
    return this.#bellTexts.all(residentId);
  }
}
