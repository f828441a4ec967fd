/**
 * The hub's side of the SIP edge: each panel's digest credential (ha1 only; the password is shown once, at
 * provisioning) and what the edge's database must hold for a building — its panels and the phone numbers
 * they may call. sip/edge-sync.ts copies that into the edge database; this is the source it rebuilds from.
 */
import type { Database } from 'better-sqlite3';
import { Statements } from './statements.ts';

/** A panel's SIP account at the edge: username = panel id. */
export interface PanelSipAccount {
  panelId: string;
  domain: string;
  ha1: string;
}

/** What the edge database holds for one building. */
export interface BuildingEdgeRows {
  /** Every panel of the building; `account` is absent for a panel without SIP credentials. */
  panels: { panelId: string; account: PanelSipAccount | undefined }[];
  /** The E.164 numbers of the building's active residents, sorted and distinct. */
  numbers: string[];
}

const ACCOUNT = 'SELECT panel_id AS panelId, domain, ha1 FROM panel_sip_credentials';

export class SipCredentials {
  readonly #sql: Statements;

  constructor(db: Database) {
    this.#sql = new Statements(db);
  }

  /** Sets (or replaces) the panel's credential. */
  set(account: PanelSipAccount, now: number): void {
    this.#sql
      .get(
        `INSERT INTO panel_sip_credentials (panel_id, domain, ha1, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (panel_id) DO UPDATE SET domain = excluded.domain, ha1 = excluded.ha1,
           created_at = excluded.created_at`,
      )
      .run(account.panelId, account.domain, account.ha1, now);
  }

  /** Removes the panel's credential; true when it had one. */
  remove(panelId: string): boolean {
    return this.#sql.get('DELETE FROM panel_sip_credentials WHERE panel_id = ?').run(panelId).changes > 0;
  }

  /** The domain of the panel's credential; undefined when it has none. */
  domainOf(panelId: string): string | undefined {
    return this.#sql
      .get('SELECT domain FROM panel_sip_credentials WHERE panel_id = ?')
      .pluck()
      .get(panelId) as string | undefined;
  }

  /** The building a panel is in (undefined when there is no such panel). */
  buildingOf(panelId: string): string | undefined {
    return this.#sql.get('SELECT building_id FROM panels WHERE id = ?').pluck().get(panelId) as
      | string
      | undefined;
  }

  /** The building a unit is in (undefined when there is no such unit). */
  buildingOfUnit(unitId: string): string | undefined {
    return this.#sql.get('SELECT building_id FROM units WHERE id = ?').pluck().get(unitId) as
      | string
      | undefined;
  }

  buildingIds(): string[] {
    return this.#sql.get('SELECT id FROM buildings ORDER BY id').pluck().all().map(String);
  }

  panelIds(): string[] {
    return this.#sql.get('SELECT id FROM panels ORDER BY id').pluck().all().map(String);
  }

  /** The edge rows of one building (no panels and no numbers for a building that is gone). */
  edgeRows(buildingId: string): BuildingEdgeRows {
    const accounts = this.#sql
      .get(`${ACCOUNT} WHERE panel_id IN (SELECT id FROM panels WHERE building_id = ?)`)
      .all(buildingId) as PanelSipAccount[];
    const byPanel = new Map(accounts.map((a) => [a.panelId, a]));
    const panelIds = this.#sql
      .get('SELECT id FROM panels WHERE building_id = ? ORDER BY id')
      .pluck()
      .all(buildingId)
      .map(String);
    const numbers = this.#sql
      .get(
        `SELECT DISTINCT r.phone FROM residents r JOIN units u ON u.id = r.unit_id
         WHERE u.building_id = ? AND r.status = 'active' AND r.phone IS NOT NULL ORDER BY r.phone`,
      )
      .pluck()
      .all(buildingId)
      .map(String);
    return { panels: panelIds.map((panelId) => ({ panelId, account: byPanel.get(panelId) })), numbers };
  }
}
