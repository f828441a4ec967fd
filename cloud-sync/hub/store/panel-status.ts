/**
 * What the hub knows about each panel beyond its admin record: the last published config (the diff base),
 * what the panel reported applying, whether it is online, and its broker password hash.
 */
import type { Database } from 'better-sqlite3';
import type { PanelStatusView } from '../../protocol/admin-panels.ts';
import type { BuildingSnapshot } from '../../protocol/building-snapshot.ts';
import type { ConfigReportedMessage, DeviceStateMessage } from '../../protocol/messages.ts';

export interface PublishedConfig {
  version: number;
  /** Raised to recover a panel: a snapshot of a newer epoch replaces the panel's config whatever its version. */
  epoch: number;
  hash: string;
  snapshot: BuildingSnapshot;
  publishedAt: number;
}

export class PanelStatus {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  published(panelId: string): PublishedConfig | undefined {
    const row = this.#db.prepare('SELECT * FROM panel_config WHERE panel_id = ?').get(panelId) as
      | { version: number; epoch: number; hash: string; snapshot: string; published_at: number }
      | undefined;
    if (!row) return undefined;
    return {
      version: row.version,
      epoch: row.epoch,
      hash: row.hash,
      snapshot: JSON.parse(row.snapshot),
      publishedAt: row.published_at,
    };
  }

  /** The config epoch of the panel's published config (without reading the snapshot). */
  epoch(panelId: string): number | undefined {
    return this.#db.prepare('SELECT epoch FROM panel_config WHERE panel_id = ?').pluck().get(panelId) as
      | number
      | undefined;
  }

  /** Panels that have a published config (the ones to republish after a reconnect). */
  publishedIds(): string[] {
    return this.#db.prepare('SELECT panel_id FROM panel_config').pluck().all().map(String);
  }

  /** Panels whose last state message said online (metrics; a removed panel's row may linger). */
  onlineIds(): string[] {
    return this.#db
      .prepare("SELECT panel_id FROM panel_state WHERE status = 'online'")
      .pluck()
      .all()
      .map(String);
  }

  savePublished(panelId: string, config: PublishedConfig): void {
    this.#db
      .prepare(
        `INSERT INTO panel_config (panel_id, version, epoch, hash, snapshot, published_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (panel_id) DO UPDATE SET version = excluded.version, epoch = excluded.epoch,
           hash = excluded.hash, snapshot = excluded.snapshot, published_at = excluded.published_at`,
      )
      .run(
        panelId,
        config.version,
        config.epoch,
        config.hash,
        JSON.stringify(config.snapshot),
        config.publishedAt,
      );
  }

  /** Raises the panel's unpublished-version alarm; true when it was not already raised for this version. */
  raiseConfigAlarm(
    panelId: string,
    alarm: { reportedVersion: number; publishedVersion: number | null; at: number },
  ): boolean {
    const active = this.#db
      .prepare('SELECT reported_version FROM panel_config_alarms WHERE panel_id = ? AND cleared_at IS NULL')
      .pluck()
      .get(panelId) as number | undefined;
    if (active === alarm.reportedVersion) return false;
    this.#db
      .prepare(
        `INSERT OR REPLACE INTO panel_config_alarms (panel_id, reported_version, published_version, at, cleared_at)
         VALUES (?, ?, ?, ?, NULL)`,
      )
      .run(panelId, alarm.reportedVersion, alarm.publishedVersion, alarm.at);
    return true;
  }

  /** Clears an active alarm (the panel reports a published version again); true when one was active. */
  clearConfigAlarm(panelId: string, at: number): boolean {
    return (
      this.#db
        .prepare('UPDATE panel_config_alarms SET cleared_at = ? WHERE panel_id = ? AND cleared_at IS NULL')
        .run(at, panelId).changes > 0
    );
  }

  saveReported(panelId: string, msg: ConfigReportedMessage): void {
    this.#db
      .prepare(
        `INSERT OR REPLACE INTO panel_reported (panel_id, version, status, rejected_version, reason, at, wired_doors)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        panelId,
        msg.version,
        msg.status,
        msg.rejectedVersion ?? null,
        msg.reason ?? null,
        msg.at,
        msg.wiredDoors ? JSON.stringify(msg.wiredDoors) : null,
      );
  }

  saveState(panelId: string, msg: DeviceStateMessage, receivedAt: number): void {
    this.#db
      .prepare(
        `INSERT OR REPLACE INTO panel_state (panel_id, status, config_version, last_seq, software, at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(
        panelId,
        msg.status,
        msg.configVersion ?? null,
        msg.lastSeq ?? null,
        msg.software ?? null,
        msg.at ?? receivedAt,
      );
  }

  setPasswordHash(panelId: string, hash: string): void {
    this.#db.prepare('UPDATE panels SET password_hash = ? WHERE id = ?').run(hash, panelId);
  }

  passwordHash(panelId: string): string | undefined {
    const row = this.#db.prepare('SELECT password_hash FROM panels WHERE id = ?').get(panelId) as
      | { password_hash: string | null }
      | undefined;
    return row?.password_hash ?? undefined;
  }

  #doorMatch(panelId: string, wired: string[]): NonNullable<PanelStatusView['doors']> {
    const atHub = this.#db
      .prepare('SELECT id FROM doors WHERE panel_id = ? ORDER BY id')
      .pluck()
      .all(panelId) as string[];
    return {
      wired,
      missingOnPanel: atHub.filter((id) => !wired.includes(id)),
      unknownAtHub: wired.filter((id) => !atHub.includes(id)),
    };
  }

  view(panelId: string): PanelStatusView {
    const pub = this.#db
      // Fast-path patches are published too: the version panels were sent is the last of them.
      .prepare(
        `SELECT COALESCE((SELECT MAX(version) FROM panel_config_pending WHERE panel_id = @p), version) AS version,
                epoch, published_at FROM panel_config WHERE panel_id = @p`,
      )
      .get({ p: panelId }) as { version: number; epoch: number; published_at: number } | undefined;
    const alarm = this.#db.prepare('SELECT * FROM panel_config_alarms WHERE panel_id = ?').get(panelId) as
      | { reported_version: number; published_version: number | null; at: number; cleared_at: number | null }
      | undefined;
    const rep = this.#db.prepare('SELECT * FROM panel_reported WHERE panel_id = ?').get(panelId) as
      | {
          version: number;
          status: string;
          rejected_version: number | null;
          reason: string | null;
          at: number;
          wired_doors: string | null;
        }
      | undefined;
    const st = this.#db.prepare('SELECT * FROM panel_state WHERE panel_id = ?').get(panelId) as
      | {
          status: string;
          config_version: number | null;
          last_seq: number | null;
          software: string | null;
          at: number;
        }
      | undefined;
    const pos = this.#db.prepare('SELECT position FROM event_streams WHERE panel_id = ?').get(panelId) as
      | { position: number }
      | undefined;
    return {
      config: {
        publishedVersion: pub?.version ?? null,
        publishedAt: pub?.published_at ?? null,
        reportedVersion: rep?.version ?? null,
        reportedStatus: rep?.status ?? null,
        rejectedVersion: rep?.rejected_version ?? null,
        rejectReason: rep?.reason ?? null,
        reportedAt: rep?.at ?? null,
        epoch: pub?.epoch ?? null,
        alarm: alarm
          ? {
              reportedVersion: alarm.reported_version,
              publishedVersion: alarm.published_version,
              at: alarm.at,
              clearedAt: alarm.cleared_at,
            }
          : null,
      },
      doors: rep?.wired_doors ? this.#doorMatch(panelId, JSON.parse(rep.wired_doors) as string[]) : null,
      online: st?.status === 'online',
      state: st
        ? {
            status: st.status,
            // `state` is published once per connect, so its configVersion is the version in force at
            // connect time (0 for a fresh panel); a later `config/reported` names the one in force now.
            configVersion: rep && rep.at >= st.at ? rep.version : st.config_version,
            lastSeq: st.last_seq,
            software: st.software,
            at: st.at,
          }
        : null,
      eventPosition: pos?.position ?? 0,
    };
  }
}
