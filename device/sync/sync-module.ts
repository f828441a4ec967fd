/**
 * Wires cloud sync into the panel: the agent from cloud-sync/agent on this panel's store, doors and audit
 * log. A non-critical module started after the doors and readers: a broker that is down, a missing CA
 * file or a bad key is logged and the panel keeps working offline on the building data it has.
 */
import type { PanelConfig } from '../config/schema.ts';
import type { Module } from '../wiring/modules.ts';
import type { SyncModuleDeps } from './sync-deps.ts';

export type { SyncModuleDeps } from './sync-deps.ts';

/** The sync module, or undefined for a panel without a `sync` section (offline). */
export function createSyncModule(config: PanelConfig, deps: SyncModuleDeps): Module | undefined {
  const sync = config.sync;
  if (!sync) return undefined;
  let running: { stop: () => Promise<void> } | undefined;
  return {
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
