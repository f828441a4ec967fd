/**
 * The hub's one MQTT connection: a persistent session (clean: false, fixed client id, and on MQTT 5 a
 * session expiry) so QoS 1 events that arrive while the hub restarts wait at the broker; reconnects with
 * exponential backoff; every client error is logged, never thrown. Subscriptions are (re)made on every
 * connect — idempotent, and needed when the broker lost the session.
 *
 * With `sharedGroup` set, subscriptions become `$share/<group>/<filter>` so several hub workers split the
 * panels' messages (MQTT 5 shared subscriptions: Mosquitto ≥ 2, EMQX, HiveMQ). Each worker then needs its
 * own client id.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { errorMessage } from '../../../lib/errors.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import { brokerOptions } from '../../../lib/mqtt/broker-url.ts';
import { publishJson } from '../../../lib/mqtt/publish-json.ts';
import type { HubSettings } from '../settings.ts';
import type { MqttPublisher } from './port.ts';

/** The hub's MQTT settings (settings.ts), with the CA certificate read from its file. */
export interface MqttConnectionOptions extends Omit<HubSettings['mqtt'], 'ca'> {
  ca?: Buffer | undefined;
  /** Topic filters, without any `$share/` prefix. */
  subscriptions: readonly string[];
  /** Filters every worker needs for itself (answers to its own requests): never shared. */
  privateSubscriptions?: readonly string[];
  logger: Logger;
  onMessage(topic: string, payload: Buffer): void;
  /** After each successful (re)connect and subscribe. */
  onConnected?(): void;
}

export class MqttConnection implements MqttPublisher {
  readonly #options: MqttConnectionOptions;
  readonly #logger: Logger;
  #client: MqttClient | undefined;
  #delayMs: number;

  constructor(options: MqttConnectionOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: 'mqtt' });
    this.#delayMs = options.backoff.initialMs;
  }

  get connected(): boolean {
    return this.#client?.connected ?? false;
  }

  /** Starts connecting; resolves at once (the hub must come up even while the broker is down). */
  start(): void {
    const o = this.#options;
    const { backoff } = o;
    const opts: IClientOptions = {
      clientId: o.clientId,
      clean: false,
      protocolVersion: o.protocolVersion,
      reconnectPeriod: backoff.initialMs,
      connectTimeout: 10_000,
      keepalive: 30,
      ...(o.protocolVersion === 5 ? { properties: { sessionExpiryInterval: o.sessionExpiryS } } : {}),
      ...(o.username !== undefined ? { username: o.username } : {}),
      ...(o.password !== undefined ? { password: o.password } : {}),
      ...(o.ca !== undefined ? { ca: o.ca } : {}),
    };
    const client = mqtt.connect({ ...brokerOptions(o.url), ...opts });
    this.#client = client;
    client.on('error', (err) => {
      // Once stopping, late writes (an ack racing the disconnect) fail by design: not worth a warning.
      if (this.#client === client) this.#logger.warn({ err: errorMessage(err) }, 'MQTT error');
      else this.#logger.debug({ err: errorMessage(err) }, 'MQTT error after stop');
    });
    client.on('message', (topic, payload) => {
      try {
        o.onMessage(topic, payload);
      } catch (err) {
        // A handler bug must not take the connection down; the message is logged and dropped.
        this.#logger.error({ topic, err: errorMessage(err) }, 'MQTT message handler failed');
      }
    });
    client.on('connect', (connack) => {
      this.#delayMs = backoff.initialMs;
      client.options.reconnectPeriod = backoff.initialMs;
      this.#logger.info({ url: o.url, sessionPresent: connack.sessionPresent }, 'MQTT connected');
      this.#subscribe(client);
    });
    client.on('close', () => {
      // Exponential backoff with jitter: mqtt.js reads reconnectPeriod when it schedules the next try.
      this.#delayMs = Math.min(backoff.maxMs, this.#delayMs * 2);
      client.options.reconnectPeriod = Math.round(this.#delayMs * (0.75 + Math.random() * 0.5));
    });
    client.on('offline', () => this.#logger.warn({ url: o.url }, 'MQTT offline; reconnecting'));
  }

  publish(topic: string, payload: unknown, options: { qos: 0 | 1; retain?: boolean }): Promise<void> {
    const client = this.#client;
    if (!client) return Promise.reject(new Error('MQTT connection not started'));
    return publishJson(client, topic, payload, options);
  }

  async stop(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (!client) return;
    await client
      .endAsync()
      .catch((err) => this.#logger.warn({ err: errorMessage(err) }, 'MQTT close failed'));
  }

  #subscribe(client: MqttClient): void {
    const { sharedGroup, subscriptions, privateSubscriptions = [] } = this.#options;
    const filters = [
      ...subscriptions.map((f) => (sharedGroup ? `$share/${sharedGroup}/${f}` : f)),
      ...privateSubscriptions,
    ];
    client.subscribe(Object.fromEntries(filters.map((f) => [f, { qos: 1 as const }])), (err, granted) => {
      if (err) {
        this.#logger.error({ err: errorMessage(err) }, 'MQTT subscribe failed');
        return;
      }
      const refused = (granted ?? []).filter((g) => g.qos === 128);
      if (refused.length)
        this.#logger.error({ topics: refused.map((g) => g.topic) }, 'subscription refused (ACL?)');
      this.#options.onConnected?.();
    });
  }
}
