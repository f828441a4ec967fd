/**
 * The panel's own MQTT 5 connection to the owner's Home Assistant broker: separate from cloud sync (its
 * own client, login and topics; a panel may have either, both or neither). A clean session: Home
 * Assistant's state is re-sent whole on every connect, and nothing queued while away is worth having —
 * an old lock command least of all. The will is a retained `offline` on the availability topic; the
 * birth, sent on each connect, a retained `online`.
 *
 * Never in the way of the doors: connecting happens in the background and is retried with backoff on the
 * panel's clock; while the broker is away, messages are dropped, not queued (states go out again on
 * connect). Incoming packets are capped at MAX_INCOMING_BYTES by the MQTT 5 maximum packet size, so the
 * broker does not even send larger ones.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { Backoff } from '../../cloud-sync/agent/backoff.ts';
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { brokerOptions } from '../../lib/mqtt/broker-url.ts';
import type { HaMessage } from './state-messages.ts';

export const MAX_INCOMING_BYTES = 4096;

export interface HaLinkOptions {
  brokerUrl: string;
  username?: string | undefined;
  password?: string | undefined;
  ca?: Buffer | undefined;
  clientId: string;
  availabilityTopic: string;
  /** Subscribed on each connect (QoS 1). */
  subscriptions: readonly string[];
  clock: Clock;
  logger: Logger;
  /** Reconnect backoff; tests shorten it. */
  backoff?: { initialMs: number; maxMs: number } | undefined;
}

export interface HaLinkHandlers {
  /** Subscribed and the birth sent: publish discovery and states. */
  onUp: () => void;
  onMessage: (topic: string, payload: Buffer, retained: boolean) => void;
}

export class HaLink {
  readonly #o: HaLinkOptions;
  readonly #h: HaLinkHandlers;
  readonly #backoff: Backoff;
  #client: MqttClient | undefined;
  #retry: TimerHandle | undefined;
  #running = false;
  #up = false;
  #outageLogged = false;

  constructor(options: HaLinkOptions, handlers: HaLinkHandlers) {
    this.#o = options;
    this.#h = handlers;
    this.#backoff = new Backoff(options.backoff ?? { initialMs: 2000, maxMs: 60_000 });
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#connect();
  }

  isUp(): boolean {
    return this.#up;
  }

  /** QoS 1; dropped (returns false) while the broker is away. */
  publish(message: HaMessage): boolean {
    const client = this.#client;
    if (!client || !this.#up) return false;
    client.publish(message.topic, message.payload, { qos: 1, retain: message.retain }, (err) => {
      if (err)
        this.#o.logger.debug(
          { topic: message.topic, err: errorMessage(err) },
          'Home Assistant publish failed',
        );
    });
    return true;
  }

  /** Says `offline` (a clean disconnect sends no will), bounded, then disconnects for good. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#o.clock.clearTimeout(this.#retry);
    this.#retry = undefined;
    const client = this.#client;
    this.#client = undefined;
    if (!client) return;
    if (this.#up) {
      let timer: TimerHandle | undefined;
      await Promise.race([
        client.publishAsync(this.#o.availabilityTopic, 'offline', { qos: 1, retain: true }).catch(() => {}),
        new Promise<void>((resolve) => {
          timer = this.#o.clock.setTimeout(resolve, 2000);
        }),
      ]);
      this.#o.clock.clearTimeout(timer);
    }
    this.#up = false;
    await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
  }

  #connect(): void {
    const o = this.#o;
    const options: IClientOptions = {
      protocolVersion: 5,
      clientId: o.clientId,
      clean: true,
      keepalive: 30,
      connectTimeout: 10_000,
      reconnectPeriod: 0,
      resubscribe: false,
      properties: { maximumPacketSize: MAX_INCOMING_BYTES },
      will: { topic: o.availabilityTopic, payload: Buffer.from('offline'), qos: 1, retain: true },
      ...(o.username !== undefined ? { username: o.username } : {}),
      ...(o.password !== undefined ? { password: o.password } : {}),
      ...(o.ca !== undefined ? { ca: o.ca } : {}),
      rejectUnauthorized: true,
    };
    let client: MqttClient;
    try {
      client = mqtt.connect({ ...brokerOptions(o.brokerUrl), ...options });
    } catch (err) {
      this.#reportError(err);
      this.#scheduleRetry();
      return;
    }
    this.#client = client;
    client.on('error', (err) => this.#reportError(err));
    client.on('connect', () => {
      if (client === this.#client) void this.#whenConnected(client);
    });
    client.on('message', (topic, payload, packet) => {
      if (client !== this.#client || !this.#up) return;
      // Thrown inside mqtt.js's parser, an error would end the panel process: a message costs it nothing.
      this.#guard('message', () => this.#h.onMessage(topic, payload, packet.retain));
    });
    client.on('close', () => {
      if (client !== this.#client) return;
      this.#client = undefined;
      if (this.#up) o.logger.warn({}, 'disconnected from the Home Assistant broker');
      this.#up = false;
      client.end(true);
      this.#scheduleRetry();
    });
  }

  async #whenConnected(client: MqttClient): Promise<void> {
    try {
      // Retain as published: a command published retained is known as such even when it arrives live
      // (lock-commands.ts ignores every retained command, not only those replayed at subscribe).
      const granted = await client.subscribeAsync([...this.#o.subscriptions], { qos: 1, rap: true });
      const refused = granted.filter((g) => g.qos > 2);
      if (refused.length > 0)
        throw new Error(`subscription refused: ${refused.map((g) => g.topic).join(', ')}`);
      await client.publishAsync(this.#o.availabilityTopic, 'online', { qos: 1, retain: true });
    } catch (err) {
      this.#reportError(err);
      if (client === this.#client) {
        this.#client = undefined;
        client.end(true);
        this.#scheduleRetry();
      }
      return;
    }
    if (client !== this.#client) return;
    this.#up = true;
    this.#outageLogged = false;
    this.#backoff.reset();
    this.#o.logger.info({}, 'connected to the Home Assistant broker');
    this.#guard('connect', () => this.#h.onUp());
  }

  #guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#o.logger.error({ err: errorMessage(err), what }, 'Home Assistant handler failed');
    }
  }

  #scheduleRetry(): void {
    if (!this.#running || this.#retry) return;
    this.#retry = this.#o.clock.setTimeout(() => {
      this.#retry = undefined;
      if (this.#running && !this.#client) this.#connect();
    }, this.#backoff.next());
  }

  #reportError(err: unknown): void {
    // One warning per outage: a broker that stays down must not fill the log.
    if (this.#outageLogged) return;
    this.#outageLogged = true;
    this.#o.logger.warn(
      { err: errorMessage(err) },
      'Home Assistant broker unreachable; retrying in the background',
    );
  }
}
