/**
 * The hub's SQLite database — the only state the hub has (see README.md). One synchronous connection per
 * hub process; WAL lets the CLI and a backup read while the hub writes. Everything outside store/ reaches
 * the database through the classes below, never through the connection itself.
 */
import type { Clock } from '../../../lib/clock/clock.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import { openSqlite } from '../../../lib/sqlite/open.ts';
import { AdminAccounts } from './admin-accounts.ts';
import { AdminChanges } from './admin-changes.ts';
import { AdminSessions } from './admin-sessions.ts';
import { BuildingScope } from './building-scope.ts';
import { CallEvents } from './call-events.ts';
import { CommandLog } from './command-log.ts';
import { Entities } from './entities.ts';
import { EventLog } from './event-log.ts';
import { migrations } from './migrations.ts';
import { PairingRequests } from './pairing-requests.ts';
import { PanelResidentChanges } from './panel-resident-changes.ts';
import { PanelStatus } from './panel-status.ts';
import { PendingPatches } from './pending-patches.ts';
import { Releases } from './releases.ts';
import { ResidentHidingProfiles } from './resident-hiding-profiles.ts';
import { ResidentInvites } from './resident-invites.ts';
import { ResidentPanelPins } from './resident-panel-pins.ts';
import { ResidentSessions } from './resident-sessions.ts';
import { SipCredentials } from './sip-credentials.ts';
import { SnapshotSource } from './snapshot-source.ts';
import { UnitOwners } from './unit-owners.ts';

export interface HubStore {
  readonly path: string;
  readonly entities: Entities;
  readonly panels: PanelStatus;
  readonly snapshots: SnapshotSource;
  readonly events: EventLog;
  readonly calls: CallEvents;
  readonly commands: CommandLog;
  readonly pendingPatches: PendingPatches;
  readonly sessions: ResidentSessions;
  readonly adminAccounts: AdminAccounts;
  readonly adminSessions: AdminSessions;
  readonly adminChanges: AdminChanges;
  /** Which building each admin row belongs to (building administrators' scope). */
  readonly scope: BuildingScope;
  /** The time profiles residents made in the app to hide on a weekly schedule. */
  readonly hidingProfiles: ResidentHidingProfiles;
  /** One-time invites to the resident app (hashed codes). */
  readonly invites: ResidentInvites;
  /** Each unit's owner (chooses its doorbell type per panel). */
  readonly unitOwners: UnitOwners;
  /** Panels' SIP credentials (ha1) and what the SIP edge's database holds per building. */
  readonly sip: SipCredentials;
  /** Unpaired panels' pairing requests and their sealed kits (pairing/pairing.ts). */
  readonly pairing: PairingRequests;
  /** Residents' panel PINs (hashed; their building's panels get the hash). */
  readonly panelPins: ResidentPanelPins;
  /** The resident changes panels sent, each applied once. */
  readonly panelChanges: PanelResidentChanges;
  /** Signed software releases, and each panel's update status. */
  readonly releases: Releases;
  /**
   * Runs `fn` in one transaction (nested calls become savepoints). `immediate` takes the write lock at the
   * start, so two hub workers that read-then-write (a config version) cannot interleave.
   */
  transaction<T>(fn: () => T, options?: { immediate?: boolean }): T;
  /**
   * SQLite's `data_version`: changes when another connection (the CLI, another hub worker) has committed
   * since the last call, never for this connection's own writes.
   */
  dataVersion(): number;
  close(): void;
}

export function openHubStore(path: string, options: { clock: Clock; logger: Logger }): HubStore {
  const logger = options.logger.child({ component: 'hub-store' });
  // An acked event must survive a crash (synchronous = FULL): the panel deletes it from its outbox on our ack.
  const { db } = openSqlite(path, { what: 'hub database', migrations, logger });
  return {
    path,
    entities: new Entities(db, options.clock),
    panels: new PanelStatus(db),
    snapshots: new SnapshotSource(db),
    events: new EventLog(db),
    calls: new CallEvents(db),
    commands: new CommandLog(db),
    pendingPatches: new PendingPatches(db),
    sessions: new ResidentSessions(db),
    adminAccounts: new AdminAccounts(db),
    adminSessions: new AdminSessions(db),
    adminChanges: new AdminChanges(db),
    scope: new BuildingScope(db),
    hidingProfiles: new ResidentHidingProfiles(db),
    invites: new ResidentInvites(db),
    unitOwners: new UnitOwners(db),
    sip: new SipCredentials(db),
    pairing: new PairingRequests(db),
    panelPins: new ResidentPanelPins(db),
    panelChanges: new PanelResidentChanges(db),
    releases: new Releases(db),
    transaction: (fn, { immediate = false } = {}) => {
      const run = db.transaction(fn);
      return immediate ? run.immediate() : run();
    },
    dataVersion: () => Number(db.pragma('data_version', { simple: true })),
    close: () => {
      if (db.open) db.close();
    },
  };
}
