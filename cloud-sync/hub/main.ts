/**
 * The hub's composition root. The hub is stateless apart from its database: MQTT sessions, retained
 * snapshots and the HTTP API can all be rebuilt from it, so a restarted (or additional) worker on the same
 * database picks up where the last one stopped.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Clock, SystemClock, type TimerHandle } from '../../lib/clock/clock.ts';
import { ConfigError, errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { DYNSEC_RESPONSE_TOPIC, MosquittoAppDevices } from '../broker/mosquitto-dynsec.ts';
import { AdminLogins } from './accounts/admin-login.ts';
import { recordAdminChanges } from './accounts/change-recorder.ts';
import type { SipAccountsPort } from './api/context.ts';
import type { EventStreams } from './api/event-streams.ts';
import { HubApiServer } from './api/http-server.ts';
import { ConfigPublisher } from './config/publisher.ts';
import { HubMetrics } from './metrics/hub-metrics.ts';
import { MqttConnection } from './mqtt/connection.ts';
import { EventConsumer } from './mqtt/event-consumer.ts';
import { INBOUND_TOPICS, Inbox, type InboxStats } from './mqtt/inbox.ts';
import { Pairing } from './pairing/pairing.ts';
import { BundleServer } from './releases/bundle-server.ts';
import { ReleaseCatalogue } from './releases/catalogue.ts';
import { applyUpdateEvents } from './releases/update-status.ts';
import { ResidentAccounts } from './residents/accounts.ts';
import type { AppDeviceRevoker } from './residents/app-device-revoker.ts';
import { LoginLimiter } from './residents/login-limiter.ts';
import { PanelSettingsChanges } from './residents/panel-settings-changes.ts';
import type { HubSettings } from './settings.ts';
import { DoorOpener } from './signer/door-opener.ts';
import { type HubKeys, loadOrCreateKeys } from './signer/keys.ts';
import { KeyRotation } from './signer/rotation.ts';
import { UpdateSender } from './signer/update-sender.ts';
import { EdgeSync } from './sip/edge-sync.ts';
import { type HubStore, openHubStore } from './store/hub-store.ts';
import { EdgeDb } from './store/sip-edge-db.ts';

/** What the hub runs with besides its settings. */
export interface HubDeps {
  logger: Logger;
  clock?: Clock;
  /** Cuts broker connections of ended resident sessions; default: log only (the auth backend refuses them). */
  appDeviceRevoker?: AppDeviceRevoker;
}

export class Hub {
  readonly #settings: HubSettings;
  readonly #logger: Logger;
  readonly #clock: Clock;
  #store: HubStore | undefined;
  #keys: HubKeys | undefined;
  #mqtt: MqttConnection | undefined;
  #appDevices: MosquittoAppDevices | undefined;
  #inbox: Inbox | undefined;
  #api: HubApiServer | undefined;
  #publisher: ConfigPublisher | undefined;
  #sweep: TimerHandle | undefined;
  #stopped = false;
  #residents: ResidentAccounts | undefined;
  #edgeDb: EdgeDb | undefined;
  #edgeSync: EdgeSync | undefined;
  readonly #revoker: AppDeviceRevoker | undefined;
  #sweptDataVersion: number | undefined;
  #bundles: BundleServer | undefined;

  /** `settings` come from settings.ts (`parseHubSettings`, or `serve`'s flags and environment). */
  constructor(settings: HubSettings, deps: HubDeps) {
    this.#settings = settings;
    this.#logger = deps.logger;
    this.#clock = deps.clock ?? new SystemClock();
    this.#revoker = deps.appDeviceRevoker;
  }

  async start(): Promise<void> {
    const { dataDir, mqtt: mqttSettings, residentApp: app } = this.#settings;
    const logger = this.#logger;
    const clock = this.#clock;
    // Before anything is created: an unreadable file leaves no new hub.db behind.
    const ca = mqttSettings.ca === undefined ? undefined : readCa(mqttSettings.ca);
    const pairingCa = this.#settings.pairing?.brokerCaFile;
    const pairingCaPem = pairingCa === undefined ? undefined : readCa(pairingCa).toString('utf8');
    const store = openHubStore(join(dataDir, 'hub.db'), { clock, logger });
    this.#store = store;
    const keys = await loadOrCreateKeys(dataDir, logger);
    this.#keys = keys;
    const mqtt = new MqttConnection({
      ...mqttSettings,
      ca,
      subscriptions: INBOUND_TOPICS,
      privateSubscriptions: [DYNSEC_RESPONSE_TOPIC],
      logger,
      onMessage: (topic, payload) =>
        topic === DYNSEC_RESPONSE_TOPIC
          ? this.#appDevices?.handleResponse(payload)
          : this.#inbox?.handle(topic, payload),
      onConnected: () => this.#safely('republish after connect', () => publisher.republishAll()),
    });
    this.#mqtt = mqtt;
    // The broker side of app devices: revoke (both brokers), admit (Mosquitto's dynamic security).
    this.#appDevices = new MosquittoAppDevices({ mqtt });
    const metrics = this.#settings.metrics ? this.#createMetrics(store, mqtt) : undefined;
    const publisher = new ConfigPublisher({
      store,
      mqtt: metrics ? metrics.countingPublisher(mqtt) : mqtt,
      keys,
      clock,
      logger,
    });
    this.#publisher = publisher;
    const panelChanges = new PanelSettingsChanges({ store, clock, logger });
    const consumer = new EventConsumer({
      events: store.events,
      mqtt,
      clock,
      logger,
      onStored: (panelId, events) => {
        metrics?.eventsStored(events);
        panelChanges.stored(panelId, events);
        this.#safely('update status', () => applyUpdateEvents(store, clock, panelId, events));
      },
    });
    this.#inbox = new Inbox({
      store,
      consumer,
      publisher,
      clock,
      logger,
      onCommandResult: metrics ? (status) => metrics.commandResult(status) : undefined,
    });
    const opener = new DoorOpener({ store, keys, mqtt, clock, logger });
    const releases = this.#settings.releases;
    const updates = releases
      ? new UpdateSender({ store, keys, mqtt, clock, logger, bundleBaseUrl: releases.publicUrl })
      : undefined;
    if (releases) {
      const catalogue = new ReleaseCatalogue({ store, dataDir, keyring: releases.keyring, clock });
      this.#bundles = new BundleServer({
        catalogue,
        isRelease: (id) => store.releases.get(id) !== undefined,
        host: releases.host,
        port: releases.port,
        maxConcurrent: releases.maxConcurrentDownloads,
        logger: logger.child({ component: 'bundles' }),
      });
      await this.#bundles.start();
    }
    const rotation = new KeyRotation({
      dataDir,
      keys,
      store,
      logger,
      onChange: () => this.#safely('republish after a key rotation step', () => publisher.recompileAll()),
    });
    // Inside the admin write's transaction: a failure to record the new config version rolls the write back,
    // so the hub never holds data it has not published.
    store.entities.onChange((change) => publisher.onChange(change));
    // Same transaction: a change and its record in the change log commit together.
    recordAdminChanges(store, clock);
    this.#startSipEdge(store);
    // Compile before connecting, so the first connect republishes current snapshots.
    this.#safely('initial compile', () => publisher.recompileAll());
    this.#sweptDataVersion = store.dataVersion();
    mqtt.start();
    const residents = new ResidentAccounts({
      store,
      clock,
      logger,
      brokerWsUrl: app.brokerWsUrl,
      limiter: new LoginLimiter(clock, app.loginLimits),
      rateLimits: app.rateLimits,
      sessions: app.sessions,
      // Ended sessions are cut at the broker: deleteClient, which Mosquitto's dynamic security and the
      // embedded broker both carry out (a broker that does neither gets retries and logged errors).
      revoker: this.#revoker ?? this.#appDevices,
    });
    this.#residents = residents;
    residents.start();
    this.#api = new HubApiServer({
      ...this.#settings.http,
      logger,
      context: {
        store,
        opener,
        updates,
        publisher,
        rotation,
        residents,
        logins: new AdminLogins({ store, clock }),
        appDeviceAdmission: app.brokerAdmission === 'dynamic-security' ? this.#appDevices : undefined,
        sip: this.#sipAccounts(),
        pairing: this.#pairing(store, keys, pairingCaPem),
        clock,
        adminToken: this.#settings.adminToken,
        brokerAuthSecret: app.brokerAuthSecret,
        webDir: app.webDir,
        adminWebDir: this.#settings.webAdmin.webDir,
        trustedProxies: app.trustedProxies,
        turn: this.#settings.turn,
        mqttConnected: () => mqtt.connected,
        inboxStats: () => ({ ...this.inboxStats() }),
        metrics:
          metrics && this.#settings.metrics
            ? {
                registry: metrics.registry,
                token: this.#settings.metrics.token,
                observe: metrics.observeRequest,
              }
            : undefined,
      },
    });
    await this.#api.start();
    this.#scheduleSweep();
    logger.info(
      { api: this.#api.address(), mqtt: mqttSettings.url, publicKey: keys.publicKeyText },
      'hub started',
    );
  }

  /**
   * Revokes app devices at the broker (the AppDeviceRevoker port): `deleteClient` on the dynamic
   * security control topic, which Mosquitto and the embedded broker both act on by disconnecting them.
   */
  get appDeviceBroker(): MosquittoAppDevices {
    if (!this.#appDevices) throw new Error('hub not started');
    return this.#appDevices;
  }

  /** The bundle server's address (settings releases), for tests and the log. */
  get bundleAddress(): { address: string; port: number } | undefined {
    return this.#bundles?.address();
  }

  get store(): HubStore {
    if (!this.#store) throw new Error('hub not started');
    return this.#store;
  }

  /** The resident accounts (tests await their revocation queue). */
  get residents(): ResidentAccounts {
    if (!this.#residents) throw new Error('hub not started');
    return this.#residents;
  }

  get publicKey(): string {
    if (!this.#keys) throw new Error('hub not started');
    return this.#keys.publicKeyText;
  }

  get mqttConnected(): boolean {
    return this.#mqtt?.connected ?? false;
  }

  inboxStats(): InboxStats {
    return this.#inbox?.stats ?? { received: 0, handled: 0, invalid: 0, unknownPanel: 0 };
  }

  /** WebAdmin's live event streams (tests count them). */
  get eventStreams(): EventStreams {
    if (!this.#api) throw new Error('hub not started');
    return this.#api.eventStreams;
  }

  apiAddress(): { host: string; port: number } {
    if (!this.#api) throw new Error('hub not started');
    return this.#api.address();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#clock.clearTimeout(this.#sweep);
    this.#publisher?.stop();
    this.#residents?.stop();
    this.#edgeSync?.stop();
    this.#edgeDb?.close();
    await this.#api?.stop();
    await this.#bundles?.stop();
    await this.#mqtt?.stop();
    this.#store?.close();
    this.#logger.info({}, 'hub stopped');
  }

  #scheduleSweep(): void {
    const every = this.#settings.recompileIntervalMs;
    if (every <= 0 || this.#stopped) return;
    this.#sweep = this.#clock.setTimeout(() => {
      // Only changes by other connections (the CLI, another worker) need the sweep; data_version (one
      // cheap pragma) tells whether there were any, so the check can run every 200 ms and a CLI revoke
      // reaches panels at once, while an idle hub recompiles nothing.
      const dataVersion = this.#store?.dataVersion();
      if (dataVersion !== this.#sweptDataVersion) {
        this.#sweptDataVersion = dataVersion;
        this.#safely('periodic recompile', () => this.#publisher?.recompileAll());
        // The CLI provisions SIP credentials and imports residents from its own process.
        this.#edgeSync?.resyncAll();
      }
      this.#scheduleSweep();
    }, every);
  }

  /**
   * The SIP edge's database: kept in step with every write from now on, and rewritten whole at start (a
   * write lost while the hub was down, or to a failing disk, heals here).
   */
  #startSipEdge(store: HubStore): void {
    const sip = this.#settings.sip;
    if (!sip) {
      this.#logger.info({}, 'no SIP edge configured (sip settings): panels get no phone fallback');
      return;
    }
    const edge = new EdgeDb(sip.edgeDb, this.#logger);
    this.#edgeDb = edge;
    const sync = new EdgeSync({ store, edge, clock: this.#clock, logger: this.#logger });
    this.#edgeSync = sync;
    sync.start();
    sync.resyncAll();
  }

  /** The admin API's port to panels' SIP accounts; undefined without a SIP edge. */
  #sipAccounts(): SipAccountsPort | undefined {
    const sip = this.#settings.sip;
    const sync = this.#edgeSync;
    if (!sip || !sync) return undefined;
    return {
      edge: { edgeUrl: sip.edgeUrl, domain: sip.domain, caFile: sip.caFile },
      changed: (buildingId) => sync.sync([buildingId]),
    };
  }

  /** Pairing by a code (settings pairing); undefined when it is off. */
  #pairing(store: HubStore, keys: HubKeys, brokerCaPem: string | undefined): Pairing | undefined {
    const settings = this.#settings.pairing;
    if (!settings) return undefined;
    return new Pairing({
      store,
      clock: this.#clock,
      logger: this.#logger,
      settings,
      hubPublicKey: keys.publicKeyText,
      brokerCaPem,
      // Mosquitto learns the panel's login from the hub (dynamic security), as it learns app devices';
      // a broker that asks the auth backend finds the panel's password hash there.
      admission:
        this.#settings.residentApp.brokerAdmission === 'dynamic-security' ? this.#appDevices : undefined,
      sip: this.#sipAccounts(),
    });
  }

  /** Prometheus figures (settings metrics): gauges read the store and the broker link at a scrape. */
  #createMetrics(store: HubStore, mqtt: MqttConnection): HubMetrics {
    const knownPanels = () => store.entities.ids('panels');
    return new HubMetrics({
      panelsKnown: () => knownPanels().length,
      panelsOnline: () => {
        const known = new Set(knownPanels());
        return store.panels.onlineIds().filter((id) => known.has(id)).length;
      },
      mqttConnected: () => mqtt.connected,
    });
  }

  /** The SIP edge sync; undefined without sip settings (tests watch it). */
  get sipEdge(): EdgeSync | undefined {
    return this.#edgeSync;
  }

  #safely(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#logger.error({ err: errorMessage(err) }, `${what} failed`);
    }
  }
}

function readCa(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(`cannot read the broker CA certificate ${path}: ${errorMessage(err)}`);
  }
}
