/** Installer mode on the panel's running parts (the composition root's adapter, like api-context.ts). */
import type { CardReaderDriver } from '../../hal/reader/types.ts';
import type { Clock } from '../../lib/clock/clock.ts';
import type { LogRing } from '../../lib/log/log-ring.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AuditLog } from '../audit/types.ts';
import type { EventBus } from '../bus/event-bus.ts';
import type { PanelConfig } from '../config/schema.ts';
import type { DoorOpener } from '../door/door-opener.ts';
import type { Doors } from '../door/doors.ts';
import { InstallerMode } from '../installer/installer-mode.ts';
import type { IntercomSelfTest } from '../intercom/self-test.ts';
import type { Store } from '../store/store.ts';
import type { SyncModule } from '../sync/sync-module.ts';
import type { CardTaps } from '../taps/card-taps.ts';

export function createInstallerMode(deps: {
  config: PanelConfig;
  clock: Clock;
  audit: AuditLog;
  bus: EventBus;
  store: Store;
  doors: Doors;
  opener: DoorOpener;
  readers: CardReaderDriver;
  taps: CardTaps;
  sync: SyncModule | undefined;
  media: IntercomSelfTest | undefined;
  logRing: LogRing | undefined;
  startedAt: number;
  factoryReset: () => void;
  logger: Logger;
}): InstallerMode {
  const { store, sync, taps, bus } = deps;
  return new InstallerMode({
    ...deps,
    readerIdFor: (name) => taps.readerIdFor(name),
    buildingName: () => store.directory.read().buildings[0]?.name ?? null,
    syncState: () => ({ configVersion: store.sync.configVersion(), configEpoch: store.sync.configEpoch() }),
    syncLink: sync ? () => sync.linkStatus() : undefined,
    onConfigApplied: (listener) =>
      bus.on('audit', (event) => {
        if (event.type === 'config.applied') listener();
      }),
  });
}
