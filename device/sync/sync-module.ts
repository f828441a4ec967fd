/**
 * Wires cloud sync into the panel: the agent from cloud-sync/agent on this panel's store, doors and audit
 * log. A non-critical module started after the doors and readers: a broker that is down, a missing CA
 * file or a bad key is logged and the panel keeps working offline on the building data it has.
 */
import type { PanelConfig } from '../config/schema.ts';
import type { Module } from '../wiring/modules.ts';
import type { SyncModuleDeps } from './sync-deps.ts';

export type { SyncModuleDeps } from './sync-deps.ts';

/** The broker connection as installer mode shows it. */
export interface SyncLinkStatus {
  connected: boolean;
  /** When it last connected or disconnected (wall ms); null before the first either. */
  since: number | null;
}

/** What waits to go to the hub (metrics): unacked events, and when the oldest of them happened. */
export interface SyncBacklog {
  depth: number;
  /** Wall ms of the oldest unacked event; undefined when nothing waits. */
  oldestAt: number | undefined;
}

export interface SyncModule extends Module {
  linkStatus(): SyncLinkStatus;
  /** Nothing waits before sync starts (and after it stopped). */
  backlog(): SyncBacklog;
}

/** The sync module, or undefined for a panel without a `sync` section (offline). */
export function createSyncModule(config: PanelConfig, deps: SyncModuleDeps): SyncModule | undefined {
  const sync = config.sync;
  if (!sync) return undefined;
  let running:
    | { stop: () => Promise<void>; linkStatus: () => SyncLinkStatus; backlog: () => SyncBacklog }
    | undefined;
  return {
    linkStatus: () => running?.linkStatus() ?? { connected: false, since: null },
    backlog: () => running?.backlog() ?? { depth: 0, oldestAt: undefined },
    name: 'cloud-sync',
    critical: false,
    start: async () => {
      const { startSync } = await import('./start-sync.ts');
      running = await startSync(config.panel.id, sync, deps);
    },
    stop: async () => {
      await running?.stop();
      running = undefined;
    },
  };
}
