/**
 * The hub's composition root. The hub is stateless apart from its database: MQTT sessions, retained
 * snapshots and the HTTP API can all be rebuilt from it, so a restarted (or additional) worker on the same
 * database picks up where the last one stopped.
 */
import { join, resolve } from 'node:path';
import { type Clock, SystemClock, type TimerHandle } from '../../lib/clock/clock.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { HubApiServer } from './api/http-server.ts';
import { ConfigPublisher } from './config/publisher.ts';
import { MqttConnection, type MqttConnectionOptions } from './mqtt/connection.ts';
import { EventConsumer } from './mqtt/event-consumer.ts';
import { INBOUND_TOPICS, Inbox, type InboxStats } from './mqtt/inbox.ts';
import { ResidentAccounts } from './residents/accounts.ts';
import { LoginLimiter, type LoginLimits } from './residents/login-limiter.ts';
import { DoorOpener } from './signer/door-opener.ts';
import { type HubKeys, loadOrCreateKeys } from './signer/keys.ts';
import { type HubStore, openHubStore } from './store/hub-store.ts';

/** Where scripts/build-web.ts puts the resident web app in a checkout. */
export const DEFAULT_WEB_DIR = resolve(import.meta.dirname, '../../dist/web/resident');

export interface HubOptions {
  /** Holds hub.db and the signing key. */
  dataDir: string;
  mqtt: Pick<
    MqttConnectionOptions,
    | 'url'
    | 'clientId'
    | 'username'
    | 'password'
    | 'protocolVersion'
    | 'sessionExpiryS'
    | 'sharedGroup'
    | 'backoff'
    | 'ca'
  >;
  http: { host: string; port: number };
  adminToken: string;
  /** The resident web app and its call signaling. */
  residentApp?: {
    /** The broker's MQTT-over-WebSocket URL as the app reaches it; unset: the app logs in without calls. */
    brokerWsUrl?: string | undefined;
    /** Secret the broker presents to /api/v1/broker/auth and /acl; unset: those routes are off. */
    brokerAuthSecret?: string | undefined;
    /** The built app (default: dist/web/resident of this checkout). */
    webDir?: string | undefined;
    loginLimits?: LoginLimits;
  };
  /**
   * Every so often all panels are recompiled, which picks up changes made by the CLI or by another hub
   * worker on the same database (changes through this hub's API publish at once).
   */
  recompileIntervalMs?: number;
  clock?: Clock;
  logger: Logger;
}

export class Hub {
  readonly #options: HubOptions;
  readonly #clock: Clock;
  #store: HubStore | undefined;
  #keys: HubKeys | undefined;
  #mqtt: MqttConnection | undefined;
  #inbox: Inbox | undefined;
  #api: HubApiServer | undefined;
  #publisher: ConfigPublisher | undefined;
  #sweep: TimerHandle | undefined;
  #stopped = false;
  #sweptDataVersion: number | undefined;

  constructor(options: HubOptions) {
    if (options.adminToken.length < 16) throw new Error('the admin token must be at least 16 characters');
    const secret = options.residentApp?.brokerAuthSecret;
    if (secret !== undefined && secret.length < 16)
      throw new Error('the broker auth secret must be at least 16 characters');
    this.#options = options;
    this.#clock = options.clock ?? new SystemClock();
  }

  async start(): Promise<void> {
    const { dataDir, logger } = this.#options;
    const clock = this.#clock;
    const store = openHubStore(join(dataDir, 'hub.db'), { clock, logger });
    this.#store = store;
    const keys = await loadOrCreateKeys(dataDir, logger);
    this.#keys = keys;
    const mqtt = new MqttConnection({
      ...this.#options.mqtt,
      subscriptions: INBOUND_TOPICS,
      logger,
      onMessage: (topic, payload) => this.#inbox?.handle(topic, payload),
      onConnected: () => this.#safely('republish after connect', () => publisher.republishAll()),
    });
    this.#mqtt = mqtt;
    const publisher = new ConfigPublisher({ store, mqtt, clock, logger });
    this.#publisher = publisher;
    const consumer = new EventConsumer({ events: store.events, mqtt, clock, logger });
    this.#inbox = new Inbox({ store, consumer, publisher, clock, logger });
    const opener = new DoorOpener({ store, keys, mqtt, clock, logger });
    // Inside the admin write's transaction: a failure to record the new config version rolls the write back,
    // so the hub never holds data it has not published.
    store.entities.onChange((change) => publisher.onChange(change));
    // Compile before connecting, so the first connect republishes current snapshots.
    this.#safely('initial compile', () => publisher.recompileAll());
    this.#sweptDataVersion = store.dataVersion();
    mqtt.start();
    const app = this.#options.residentApp ?? {};
    const residents = new ResidentAccounts({
      store,
      clock,
      logger,
      brokerWsUrl: app.brokerWsUrl,
      limiter: new LoginLimiter(clock, app.loginLimits),
    });
    this.#api = new HubApiServer({
      ...this.#options.http,
      logger,
      context: {
        store,
        opener,
        residents,
        clock,
        adminToken: this.#options.adminToken,
        brokerAuthSecret: app.brokerAuthSecret,
        webDir: app.webDir ?? DEFAULT_WEB_DIR,
        mqttConnected: () => mqtt.connected,
        inboxStats: () => ({ ...this.inboxStats() }),
      },
    });
    await this.#api.start();
    this.#scheduleSweep();
    logger.info(
      { api: this.#api.address(), mqtt: this.#options.mqtt.url, publicKey: keys.publicKeyText },
      'hub started',
    );
  }

  get store(): HubStore {
    if (!this.#store) throw new Error('hub not started');
    return this.#store;
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

  apiAddress(): { host: string; port: number } {
    if (!this.#api) throw new Error('hub not started');
    return this.#api.address();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#clock.clearTimeout(this.#sweep);
    this.#publisher?.stop();
    await this.#api?.stop();
    await this.#mqtt?.stop();
    this.#store?.close();
    this.#options.logger.info({}, 'hub stopped');
  }

  #scheduleSweep(): void {
    const every = this.#options.recompileIntervalMs ?? 30_000;
    if (every <= 0 || this.#stopped) return;
    this.#sweep = this.#clock.setTimeout(() => {
      // Only changes by other connections (the CLI, another worker) need the sweep; data_version tells
      // whether there were any, so an idle hub does not recompile large buildings every interval.
      const dataVersion = this.#store?.dataVersion();
      if (dataVersion !== this.#sweptDataVersion) {
        this.#sweptDataVersion = dataVersion;
        this.#safely('periodic recompile', () => this.#publisher?.recompileAll());
      }
      this.#scheduleSweep();
    }, every);
  }

  #safely(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#options.logger.error({ err: errorMessage(err) }, `${what} failed`);
    }
  }
}
