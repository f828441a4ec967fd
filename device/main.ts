/**
 * The composition root of the panel process. Order matters and is the safety argument:
 *   1. open the store (passive: no I/O toward doors)
 *   2. claim relays and inputs, drive every door locked — before any other module exists
 *   3. start door controllers (they begin watching exit buttons, contacts, tamper)
 *   4. start the card readers and the access path
 *   5. start the local API
 *   6. start cloud sync, if configured (non-critical: the panel works offline without it), or, on an
 *      unpaired panel (`pairing` and no `sync`), the pairing client (device/pairing/)
 *   7. start the Home Assistant link, if configured (non-critical, last: the owner's broker is a guest)
 * Stop runs in reverse; the GPIO driver closes last and leaves every relay de-energized/locked.
 */

import { dirname } from 'node:path';
import { createGpioDriver, type GpioDriverDeps } from '../hal/gpio/drivers.ts';
import type { GpioDriver } from '../hal/gpio/types.ts';
import { createReaderDriver, type ReaderDriverDeps } from '../hal/reader/drivers.ts';
import type { CardReaderDriver } from '../hal/reader/types.ts';
import type { Clock } from '../lib/clock/clock.ts';
import { SystemClock } from '../lib/clock/clock.ts';
import { errorMessage } from '../lib/errors.ts';
import type { LogRing } from '../lib/log/log-ring.ts';
import { type Logger, moduleLogger } from '../lib/log/logger.ts';
import { AccessDecider, readerDoorsFromConfig } from './access/decide.ts';
import { uidHashFromConfig } from './access/uid-hash.ts';
import { ApiServer } from './api/http-server.ts';
import { PublishingAuditLog } from './audit/publishing-audit-log.ts';
import type { AuditLog } from './audit/types.ts';
import { EventBus } from './bus/event-bus.ts';
import { osdpBusesFromConfig } from './config/osdp-schema.ts';
import type { PanelConfig } from './config/schema.ts';
import { DoorOpener } from './door/door-opener.ts';
import { Doors } from './door/doors.ts';
import { createHomeAssistantModule } from './home-assistant/home-assistant-module.ts';
import { factoryReset } from './installer/factory-reset.ts';
import { CallChannel } from './intercom/call-channel.ts';
import { PanelDirectory } from './intercom/directory.ts';
import { createIntercomModule } from './intercom/intercom-module.ts';
import { createMetricsModule, type MetricsModule } from './metrics/metrics-module.ts';
import type { HubPairingPort } from './pairing/hub-client.ts';
import { createPairing } from './pairing/pairing-module.ts';
import { IdleCheckpointer } from './store/checkpointer.ts';
import { isStorageFault } from './store/storage-fault.ts';
import { openStore, type Store } from './store/store.ts';
import { createSyncModule } from './sync/sync-module.ts';
import { CardEnrolment } from './taps/card-enrolment.ts';
import { CardTaps } from './taps/card-taps.ts';
import { watchReaders } from './taps/reader-events.ts';
import type { RecentTapLookup } from './taps/recent-taps.ts';
import { createUpdateModule } from './update/update-module.ts';
import { createApiContext } from './wiring/api-context.ts';
import { createInstallerMode } from './wiring/installer-wiring.ts';
import { ModuleRunner } from './wiring/modules.ts';

export interface PanelOptions {
  config: PanelConfig;
  logger: Logger;
  clock?: Clock;
  /** Extra options for the GPIO / reader drivers (tests point them at fakes). */
  gpioOptions?: Partial<GpioDriverDeps>;
  readerOptions?: Partial<ReaderDriverDeps>;
  /** The built panel page to serve at /panel/ (see scripts/build-panel-ui.ts). */
  panelUiDir?: string | undefined;
  /**
   * An unpaired panel received its kit and saved it (device/pairing/): the caller restarts the panel,
   * which then loads its layered config (device/cli.ts). Unset: the kit is saved and the panel runs on.
   */
  onPaired?: (() => void) | undefined;
  /** Tests pair against a fake hub; otherwise https to `pairing.hubUrl`. */
  pairingHub?: HubPairingPort | undefined;
  /** The process's recent log lines, for installer mode's log export. */
  logRing?: LogRing | undefined;
  /**
   * Called once a factory reset has erased the panel and stopped it: the process starts again (the CLI
   * re-executes itself). Unset: the panel stays stopped.
   */
  onFactoryReset?: (() => void) | undefined;
  /** The Home Assistant link's reconnect backoff (tests shorten it); default 2 s doubling to 60 s. */
  homeAssistantBackoff?: { initialMs: number; maxMs: number } | undefined;
}

export class Panel {
  readonly #options: PanelOptions;
  readonly #clock: Clock;
  readonly bus: EventBus;
  #runner: ModuleRunner | undefined;
  #store: Store | undefined;
  #gpio: GpioDriver | undefined;
  #readers: CardReaderDriver | undefined;
  #doors: Doors | undefined;
  #audit: AuditLog | undefined;
  #api: ApiServer | undefined;
  #taps: CardTaps | undefined;
  #opener: DoorOpener | undefined;
  #recentTaps: RecentTapLookup | undefined;
  #metrics: MetricsModule | undefined;
  #startedAt = 0;
  #resetting = false;

  constructor(options: PanelOptions) {
    this.#options = options;
    this.#clock = options.clock ?? new SystemClock();
    this.bus = new EventBus(moduleLogger(options.logger, 'bus'));
  }

  async start(): Promise<void> {
    const { config, logger } = this.#options;
    const clock = this.#clock;
    this.#startedAt = clock.monotonic();
    const store = openStore(config.store.path, { clock, logger: moduleLogger(logger, 'store') });
    this.#store = store;
    const audit = new PublishingAuditLog(store.audit, this.bus);
    store.audit.announceOwnEvents((event) => this.bus.emit('audit', event));
    this.#audit = audit;
    try {
      this.#gpio = createGpioDriver(config.hardware.gpio, {
        ...this.#options.gpioOptions,
        clock,
        logger: moduleLogger(logger, 'gpio'),
      });
      this.#doors = Doors.claimAndLock({
        doors: config.doors,
        gpio: this.#gpio,
        clock,
        audit,
        logger: moduleLogger(logger, 'door'),
      });
    } catch (err) {
      this.#gpio?.close();
      store.close();
      throw err;
    }
    try {
      store.hardware.syncHardware(config);
    } catch (err) {
      // The mirror is for the CLI and the hub; a full or failing disk must not keep the doors down.
      if (!isStorageFault(err)) throw err;
      logger.error({ err: errorMessage(err) }, 'hardware mirror not updated: storage fault');
    }

    const doors = this.#doors;
    const gpio = this.#gpio;
    // The one door-open path: taps, the installer, cloud commands and calls open through it (exit presses
    // release first and are recorded after: egress never waits on storage).
    const opener = new DoorOpener({ doors, audit, logger: moduleLogger(logger, 'door') });
    this.#opener = opener;
    const uidHash = uidHashFromConfig(config);
    const decider = new AccessDecider({
      store,
      clock,
      readerDoors: readerDoorsFromConfig(config.readers),
      uidHash,
      repeatTapWindowMs: config.access.repeatTapWindowMs,
    });
    const readers = createReaderDriver(config.hardware.reader, {
      ...this.#options.readerOptions,
      clock,
      logger: moduleLogger(logger, 'reader'),
      readerNames: config.readers.map((r) => r.name),
      osdp: { buses: osdpBusesFromConfig(config.osdp), ...this.#options.readerOptions?.osdp },
    });
    this.#readers = readers;
    const enrolment = new CardEnrolment({ readers: config.readers, clock, audit, uidHash });
    const taps = new CardTaps({
      enrolment,
      readers: config.readers,
      decider,
      audit,
      opener,
      bus: this.bus,
      logger: moduleLogger(logger, 'access'),
    });
    this.#taps = taps;
    // Calls ride on the sync connection: the channel exists first, sync attaches its link when it starts.
    const callChannel = new CallChannel(moduleLogger(logger, 'intercom'), {
      clock,
      limits: config.intercom?.callLimits,
    });
    const directory = new PanelDirectory(() => store.directory.read());
    const intercom = createIntercomModule(config.intercom, {
      panelId: config.panel.id,
      panelName: config.panel.name,
      dataDir: dirname(config.store.path),
      directory,
      channel: callChannel,
      opener,
      doorName: (doorId) => doors.get(doorId)?.state().name,
      audit,
      clock,
      logger: moduleLogger(logger, 'intercom'),
    });
    const pairing = createPairing(config, {
      clock,
      logger: moduleLogger(logger, 'pairing'),
      onPaired: () => this.#options.onPaired?.(),
      ...(this.#options.pairingHub ? { hub: this.#options.pairingHub } : {}),
    });
    const update = await createUpdateModule(config.update, {
      audit,
      clock,
      logger: moduleLogger(logger, 'update'),
      // The reboot that ends an update waits (bounded) for a call in progress.
      busy: () => (intercom?.api.call().phase ?? 'idle') !== 'idle',
    });
    const sync = createSyncModule(config, {
      store,
      audit,
      bus: this.bus,
      opener,
      enrolment,
      clock,
      logger: moduleLogger(logger, 'sync'),
      calls: callChannel,
      updater: update?.updater,
    });
    const homeAssistant = createHomeAssistantModule(config.homeAssistant, {
      panelId: config.panel.id,
      panelName: config.panel.name,
      doorConfigs: config.doors,
      readerConfigs: config.readers,
      doors,
      opener,
      audit,
      onAudit: (listener) => this.bus.on('audit', listener),
      // Only what the screen shows anyone at the door: a hidden resident's bell goes out without a name.
      bellName: (bellId) =>
        directory.visibleDirectory(clock.now()).find((b) => b.bellId === bellId)?.displayText,
      clock,
      logger: moduleLogger(logger, 'home-assistant'),
      reconnectBackoff: this.#options.homeAssistantBackoff,
    });
    const installer = createInstallerMode({
      config,
      clock,
      audit,
      bus: this.bus,
      store,
      doors,
      opener,
      readers,
      taps,
      sync,
      media: intercom?.selfTest,
      logRing: this.#options.logRing,
      startedAt: this.#startedAt,
      // After the reply has gone out: the API is among what the reset stops.
      factoryReset: () => void clock.setTimeout(() => void this.#factoryReset(), 200),
      logger: moduleLogger(logger, 'installer'),
    });
    const context = createApiContext({
      config,
      clock,
      audit,
      doors,
      opener,
      taps,
      gpio,
      readers,
      startedAt: this.#startedAt,
      storage: () => store.storageHealth(),
      intercom: intercom?.api,
      installer,
      onAudit: (listener) => this.bus.on('audit', listener),
      onAccessDecided: (listener) => this.bus.on('access.decided', listener),
      logger: moduleLogger(logger, 'screen'),
      residents: {
        lookup: store.residentPanel,
        // The change travels on the sync connection the calls use: up means the hub can be reached.
        hubConnected: () => callChannel.isUp(),
        logger: moduleLogger(logger, 'resident-panel'),
      },
    });
    this.#recentTaps = context.recentTaps;
    const api = new ApiServer({
      host: config.api.host,
      port: config.api.port,
      logger: moduleLogger(logger, 'api'),
      panelUiDir: this.#options.panelUiDir,
      allowedOrigins: config.api.allowedOrigins,
      context: { ...context, pairing: pairing.view },
    });
    this.#api = api;

    // Counters from the bus and gauges read at a scrape: nothing is added to the tap path.
    const metrics = createMetricsModule(config.metrics, {
      bus: this.bus,
      clock,
      logger: moduleLogger(logger, 'metrics'),
      doorIds: config.doors.map((d) => d.id),
      configVersion: () => store.sync.configVersion(),
      syncBacklog: sync ? () => sync.backlog() : undefined,
      mediaPeers: intercom ? () => intercom.mediaPeers() : undefined,
      doorAlarms: () => doors.all().map((d) => d.state()),
    });
    this.#metrics = metrics;

    const checkpointer = new IdleCheckpointer({
      target: store,
      clock,
      logger: moduleLogger(logger, 'store'),
    });
    const unwatchWrites = this.bus.on('audit', () => checkpointer.noteWrite());
    let unwatch: (() => void) | undefined;
    this.#runner = new ModuleRunner(moduleLogger(logger, 'panel'));
    await this.#runner.start([
      { name: 'gpio', critical: true, start: () => {}, stop: () => gpio.close() },
      { name: 'store', critical: true, start: () => {}, stop: () => store.close() },
      {
        name: 'wal-checkpointer',
        critical: false,
        start: () => checkpointer.start(),
        stop: () => {
          unwatchWrites();
          checkpointer.stop();
        },
      },
      {
        name: 'lifecycle',
        critical: true,
        start: () => void audit.append({ type: 'system.started', data: { panelId: config.panel.id } }),
        // After a factory reset there is no store to write to.
        stop: () => {
          if (!this.#resetting)
            void audit.append({ type: 'system.stopped', data: { panelId: config.panel.id } });
        },
      },
      { name: 'doors', critical: true, start: () => doors.start(), stop: () => doors.stop() },
      {
        name: 'readers',
        critical: false,
        start: async () => {
          unwatch = watchReaders(readers, { taps, audit, logger: moduleLogger(logger, 'reader') });
          await readers.start();
        },
        stop: async () => {
          unwatch?.();
          enrolment.stop();
          await readers.stop();
        },
      },
      { name: 'installer', critical: false, start: () => {}, stop: () => installer.stop() },
      { name: 'api', critical: true, start: () => api.start(), stop: () => api.stop() },
      ...(metrics ? [metrics] : []),
      ...(sync ? [sync] : []),
      ...(pairing.module ? [pairing.module] : []),
      ...(intercom ? [intercom.module] : []),
      ...(homeAssistant ? [homeAssistant] : []),
      // Last: running it means the panel is up and healthy, which confirms an update's trial boot.
      ...(update ? [update.module] : []),
    ]);
  }

  async stop(): Promise<void> {
    await this.#runner?.stop();
    this.#runner = undefined;
  }

  /** Factory reset (installer/factory-reset.ts): relays locked, all but the doors stopped, erased, restarted. */
  async #factoryReset(): Promise<void> {
    if (this.#resetting) return;
    this.#resetting = true;
    const { logger, config } = this.#options;
    await factoryReset({
      panelId: config.panel.id,
      storePath: config.store.path,
      lockAll: () => this.#doors?.lockAll(),
      stopAllButDoors: async () => this.#runner?.stopAfter('doors'),
      closeStore: () => this.#store?.close(),
      stopAll: () => this.stop(),
      logger,
    });
    this.#options.onFactoryReset?.();
  }

  apiAddress(): { host: string; port: number } {
    if (!this.#api) throw new Error('panel is not started');
    return this.#api.address();
  }

  /** The metrics listener's address; undefined without a `metrics` section (or before it started). */
  metricsAddress(): { host: string; port: number } | undefined {
    return this.#metrics?.address();
  }

  /** The monotonic clock's reading when start() began (a timestamp, not a duration; 0 before start). */
  get startedAtMonotonic(): number {
    return this.#startedAt;
  }

  get gpio(): GpioDriver | undefined {
    return this.#gpio;
  }

  get readers(): CardReaderDriver | undefined {
    return this.#readers;
  }

  get store(): Store | undefined {
    return this.#store;
  }

  get audit(): AuditLog | undefined {
    return this.#audit;
  }

  get cardTaps(): CardTaps | undefined {
    return this.#taps;
  }

  /** Whose granted tap a tapId on the screen stream was (the resident sign-in asks it). */
  get recentTaps(): RecentTapLookup | undefined {
    return this.#recentTaps;
  }

  /** The one door-open path every cause uses (tests drive the cloud and call causes through it). */
  get doorOpener(): DoorOpener | undefined {
    return this.#opener;
  }
}
