/**
 * The broker connection over mqtt.js (MQTT 5, or 3.1.1 where a broker lacks 5): a persistent session (clean: false plus a session expiry,
 * so commands and config sent while the panel is offline wait at the broker), a retained last will that
 * marks the panel offline, and reconnects driven by our own timer on the Clock.
 *
 * Each attempt uses a fresh mqtt.js client: its in-memory store would otherwise resend stale event
 * batches after a reconnect, while the event stream resends from the outbox anyway (our SQLite outbox is
 * the source of truth; mqtt.js's store does not survive a restart).
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import { errorMessage } from '../../lib/errors.ts';
import { SafeEmitter } from '../../lib/events.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { brokerOptions } from '../../lib/mqtt/broker-url.ts';
import { publishJson } from '../../lib/mqtt/publish-json.ts';
import { callTopic, parseCallTopic } from '../protocol/calls.ts';
import { deviceTopic, PROTOCOL_VERSION, parseDeviceTopic } from '../protocol/topics.ts';
import { Backoff, type BackoffOptions } from './backoff.ts';
import { CallSubscriptions } from './call-subscriptions.ts';
import type { CallLink, CallLinkEvents, Link, LinkEvents, PublishOptions } from './link.ts';

/**
 * mqtt.js handles every packet of a socket read in one chain of process.nextTick callbacks, so hundreds of
 * small messages (a flood on the call topic) would run before any timer or reader event. After this many
 * messages, or this much time, the link hands the next packet over on a later event-loop turn instead.
 */
const INTAKE_SLICE_MESSAGES = 64;
const INTAKE_SLICE_MS = 2;

/** Leaves the panel subscribes to (QoS 1). */
export const SUBSCRIBED_LEAVES = ['config/desired', 'config/patch', 'events/ack', 'commands'] as const;

export interface MqttLinkOptions {
  deviceId: string;
  brokerUrl: string;
  username?: string | undefined;
  password?: string | undefined;
  /** PEM contents (not paths): the pinned CA, and the optional client certificate and key. */
  ca?: string | Buffer | undefined;
  cert?: string | Buffer | undefined;
  key?: string | Buffer | undefined;
  /** 5 by default; 4 (MQTT 3.1.1) keeps the session until the broker drops it, as 3.1.1 has no expiry. */
  protocolVersion?: 4 | 5;
  sessionExpiryS: number;
  keepaliveS?: number;
  clock: Clock;
  logger: Logger;
  backoff?: BackoffOptions;
}

export class MqttLink implements Link {
  readonly events: SafeEmitter<LinkEvents>;
  /** Call signaling with app devices, on this same connection. */
  readonly calls: CallLink;
  readonly #options: MqttLinkOptions;
  readonly #log: Logger;
  readonly #backoff: Backoff;
  #client: MqttClient | undefined;
  #up = false;
  #running = false;
  #retry: TimerHandle | undefined;
  /** One log line per outage: mqtt.js reports every failed attempt. */
  #outageReported = false;
  /**
   * Messages that arrive between CONNACK and SUBACK (queued session messages, retained config) wait here
   * until the link is up, so what they trigger (a config report, a command result) can be published.
   */
  #early: LinkEvents['message'][] = [];
  readonly #callSubscriptions: CallSubscriptions;

  constructor(options: MqttLinkOptions) {
    this.#options = options;
    this.#log = options.logger;
    this.#backoff = new Backoff(options.backoff);
    this.events = new SafeEmitter((event, err) =>
      this.#log.error({ event, err: errorMessage(err) }, 'sync link listener failed'),
    );
    const callEvents = new SafeEmitter<CallLinkEvents>((event, err) =>
      this.#log.error({ event, err: errorMessage(err) }, 'call link listener failed'),
    );
    this.#callEvents = callEvents;
    this.#callSubscriptions = new CallSubscriptions(options.deviceId, options.logger);
    this.calls = {
      events: callEvents,
      isUp: () => this.isUp(),
      listenTo: (appDeviceIds) =>
        this.#callSubscriptions.set(appDeviceIds, this.#up ? this.#client : undefined),
      publishCall: (appDeviceId, payload, options) => this.#publishCall(appDeviceId, payload, options),
    };
  }

  readonly #callEvents: SafeEmitter<CallLinkEvents>;

  #publishCall(appDeviceId: string, payload: unknown, options: { expiryS: number }): Promise<void> {
    const client = this.#client;
    if (!client || !this.#up) return Promise.reject(new Error('not connected'));
    const topic = callTopic(this.#options.deviceId, 'to', appDeviceId);
    const properties =
      this.#options.protocolVersion === 4 ? {} : { properties: { messageExpiryInterval: options.expiryS } };
    return new Promise((resolve, reject) => {
      client.publish(topic, JSON.stringify(payload), { qos: 1, ...properties }, (err) =>
        err ? reject(err) : resolve(),
      );
    });
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#connect();
  }

  /** Publishes the offline state (best effort), then disconnects and stops reconnecting. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#options.clock.clearTimeout(this.#retry);
    this.#retry = undefined;
    const client = this.#client;
    if (!client) return;
    if (this.#up) {
      // A graceful stop sends no will, so say it ourselves.
      // Bounded: a broker that stopped answering must not hold up the panel's shutdown.
      let timer: TimerHandle | undefined;
      await Promise.race([
        this.publish('state', this.#offlineState(), { qos: 1, retain: true }).catch(() => {}),
        new Promise<void>((resolve) => {
          timer = this.#options.clock.setTimeout(resolve, 2000);
        }),
      ]);
      this.#options.clock.clearTimeout(timer);
    }
    this.#client = undefined;
    this.#setDown();
    await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
  }

  isUp(): boolean {
    return this.#up;
  }

  publish(leaf: Parameters<typeof deviceTopic>[1], payload: unknown, options: PublishOptions): Promise<void> {
    const client = this.#client;
    if (!client || !this.#up) return Promise.reject(new Error('not connected'));
    const topic = deviceTopic(this.#options.deviceId, leaf);
    return publishJson(client, topic, payload, options);
  }

  #connect(): void {
    const o = this.#options;
    const clientOptions: IClientOptions = {
      protocolVersion: o.protocolVersion ?? 5,
      clientId: o.deviceId,
      clean: false,
      ...(o.protocolVersion === 4 ? {} : { properties: { sessionExpiryInterval: o.sessionExpiryS } }),
      keepalive: o.keepaliveS ?? 30,
      connectTimeout: 15_000,
      reconnectPeriod: 0,
      resubscribe: false,
      will: {
        topic: deviceTopic(o.deviceId, 'state'),
        payload: Buffer.from(JSON.stringify(this.#offlineState())),
        qos: 1,
        retain: true,
      },
      ...(o.username !== undefined ? { username: o.username } : {}),
      ...(o.password !== undefined ? { password: o.password } : {}),
      ...(o.ca !== undefined ? { ca: o.ca } : {}),
      ...(o.cert !== undefined ? { cert: o.cert } : {}),
      ...(o.key !== undefined ? { key: o.key } : {}),
      rejectUnauthorized: true,
    };
    let client: MqttClient;
    try {
      client = mqtt.connect({ ...brokerOptions(o.brokerUrl), ...clientOptions });
    } catch (err) {
      this.#reportError(err);
      this.#scheduleRetry();
      return;
    }
    this.#client = client;
    this.#early = [];
    this.#sliceIntake(client);
    client.on('error', (err) => this.#reportError(err));
    client.on('connect', (connack) => {
      if (client !== this.#client) return;
      void this.#subscribe(client, connack.sessionPresent);
    });
    client.on('message', (topic, payload) => {
      if (client !== this.#client) return;
      const call = parseCallTopic(topic);
      if (call) {
        // Calls are live: one that arrives before the link is up belongs to a call long gone.
        if (call.deviceId !== o.deviceId || call.direction !== 'from' || !this.#up) return;
        if (this.#callSubscriptions.wants(call.appDeviceId))
          this.#callEvents.emit('message', { appDeviceId: call.appDeviceId, payload });
        else this.#callSubscriptions.stray(call.appDeviceId, client);
        return;
      }
      const parsed = parseDeviceTopic(topic);
      if (parsed?.deviceId !== o.deviceId) {
        this.#log.warn({ topic }, 'message on a topic outside this panel; ignored');
        return;
      }
      if (this.#up) this.events.emit('message', { leaf: parsed.leaf, payload });
      else this.#early.push({ leaf: parsed.leaf, payload });
    });
    client.on('close', () => {
      if (client !== this.#client) return;
      this.#client = undefined;
      this.#setDown();
      // end(true) drops anything mqtt.js still holds; the outbox resends it.
      client.end(true);
      this.#scheduleRetry();
    });
  }

  /**
   * mqtt.js waits for `handleMessage`'s callback before it takes the next packet (and before it acks a
   * QoS 1 one): deferring that callback with setImmediate every slice lets timers (a relock) and I/O (a
   * card tap) run between slices, and holds the socket, so a flood queues at the broker, not here.
   */
  #sliceIntake(client: MqttClient): void {
    const now = () => this.#options.clock.monotonic();
    let count = 0;
    let sliceStart = now();
    let lastAt = sliceStart;
    client.handleMessage = (_packet, callback) => {
      const at = now();
      // A pause since the last packet starts a new slice: a lone message is never deferred.
      if (at - lastAt > INTAKE_SLICE_MS) {
        count = 0;
        sliceStart = at;
      }
      lastAt = at;
      if (++count < INTAKE_SLICE_MESSAGES && at - sliceStart < INTAKE_SLICE_MS) {
        callback();
        return;
      }
      setImmediate(() => {
        count = 0;
        sliceStart = lastAt = now();
        callback();
      });
    };
  }

  async #subscribe(client: MqttClient, sessionPresent: boolean): Promise<void> {
    const topics = [
      ...SUBSCRIBED_LEAVES.map((leaf) => deviceTopic(this.#options.deviceId, leaf)),
      ...this.#callSubscriptions.topicsToSubscribe(),
    ];
    try {
      const granted = await client.subscribeAsync(topics, { qos: 1 });
      const refused = granted.filter((g) => g.qos > 2);
      if (refused.length > 0)
        throw new Error(`subscription refused: ${refused.map((g) => g.topic).join(', ')}`);
    } catch (err) {
      // Without its subscriptions the panel would miss commands: drop the connection and retry.
      this.#reportError(err);
      if (client === this.#client) {
        this.#client = undefined;
        client.end(true);
        this.#scheduleRetry();
      }
      return;
    }
    if (client !== this.#client) return;
    await this.#callSubscriptions.afterConnect(client);
    if (client !== this.#client) return;
    this.#up = true;
    this.#outageReported = false;
    this.#backoff.reset();
    this.#log.info({ sessionPresent }, 'connected to the sync broker');
    this.events.emit('up', { sessionPresent });
    const early = this.#early;
    this.#early = [];
    for (const message of early) this.events.emit('message', message);
  }

  #setDown(): void {
    if (!this.#up) return;
    this.#up = false;
    this.#log.warn({}, 'disconnected from the sync broker');
    this.events.emit('down', undefined);
  }

  #scheduleRetry(): void {
    if (!this.#running || this.#retry) return;
    const delay = this.#backoff.next();
    this.#log.debug({ delayMs: delay }, 'reconnecting to the sync broker');
    this.#retry = this.#options.clock.setTimeout(() => {
      this.#retry = undefined;
      if (this.#running && !this.#client) this.#connect();
    }, delay);
  }

  #reportError(err: unknown): void {
    if (this.#outageReported) {
      this.#log.debug({ err: errorMessage(err) }, 'sync broker still unreachable');
      return;
    }
    this.#outageReported = true;
    this.#log.warn({ err: errorMessage(err) }, 'sync broker error; retrying with backoff');
  }

  #offlineState(): object {
    return { protocol: PROTOCOL_VERSION, status: 'offline' };
  }
}
