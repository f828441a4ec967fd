/**
 * Which app devices' call topics the panel subscribes to: only those of the devices in its call (rung,
 * or the one that answered), never the `calls/from/+` wildcard. Any resident's app login may publish on
 * any panel of its buildings; a panel subscribed to everyone paid for every message anyone sent (30,000 a
 * second from one login here). Subscribed to its callees only, the broker drops everything else before it
 * costs the panel a byte, and a device is dropped from the set when it leaves the call.
 *
 * The broker session outlives connections (a persistent session), so what is subscribed is tracked for
 * the process, not the connection: a reconnect subscribes what is wanted and unsubscribes what no longer
 * is, and the wildcard of older versions. A subscription this process cannot know of (its predecessor
 * crashed mid-call) shows up as a message from a device not in the call: dropped, and unsubscribed then.
 */
import type { MqttClient } from 'mqtt';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { callTopic, panelCallFilter } from '../protocol/calls.ts';

/** Stray devices unsubscribed per connection are remembered up to this many (then forgotten at once). */
const MAX_STRAYS = 1024;

export class CallSubscriptions {
  readonly #deviceId: string;
  readonly #log: Logger;
  #wanted: ReadonlySet<string> = new Set();
  /** App devices whose topic this process has subscribed in the broker session and not unsubscribed. */
  readonly #subscribed = new Set<string>();
  /** Devices unsubscribed as strays on the current connection: each once, whatever it keeps sending. */
  readonly #strays = new Set<string>();

  constructor(deviceId: string, logger: Logger) {
    this.#deviceId = deviceId;
    this.#log = logger;
  }

  wants(appDeviceId: string): boolean {
    return this.#wanted.has(appDeviceId);
  }

  /** The devices to listen to from now on; `client` is the connection when it is up (else on connect). */
  set(appDeviceIds: ReadonlySet<string>, client: MqttClient | undefined): Promise<void> {
    this.#wanted = new Set(appDeviceIds);
    return client ? this.#sync(client, []) : Promise.resolve();
  }

  /**
   * Right after CONNACK, with the panel's other subscriptions: the topics of wanted devices (the call
   * goes on across a reconnect), for the link to subscribe in the same SUBSCRIBE as its leaves.
   * Unsubscribing what is no longer wanted is sent afterwards (`afterConnect`).
   */
  topicsToSubscribe(): string[] {
    this.#strays.clear();
    for (const id of this.#wanted) this.#subscribed.add(id);
    return [...this.#wanted].map((id) => this.#topic(id));
  }

  /**
   * Once subscribed on a new connection: drops what is no longer wanted, and the old wildcard. Resolves
   * when the broker confirmed (the link is up only then: nobody's traffic reaches a panel that is up).
   */
  afterConnect(client: MqttClient): Promise<void> {
    return this.#sync(client, [panelCallFilter(this.#deviceId)]);
  }

  /** A message from a device not in the call arrived: unsubscribe its topic, once per connection. */
  stray(appDeviceId: string, client: MqttClient): void {
    if (this.#strays.has(appDeviceId)) return;
    if (this.#strays.size >= MAX_STRAYS) this.#strays.clear();
    this.#strays.add(appDeviceId);
    this.#subscribed.delete(appDeviceId);
    this.#log.debug({ appDeviceId }, 'call message from an app device not in the call; unsubscribed');
    void this.#unsubscribe(client, [this.#topic(appDeviceId)]);
  }

  #sync(client: MqttClient, alsoUnsubscribe: string[]): Promise<void> {
    const add = [...this.#wanted].filter((id) => !this.#subscribed.has(id));
    const remove = [...this.#subscribed].filter((id) => !this.#wanted.has(id));
    for (const id of add) this.#subscribed.add(id);
    for (const id of remove) this.#subscribed.delete(id);
    const done: Promise<void>[] = [];
    if (add.length > 0) done.push(this.#subscribe(client, add));
    const topics = [...remove.map((id) => this.#topic(id)), ...alsoUnsubscribe];
    if (topics.length > 0) done.push(this.#unsubscribe(client, topics));
    return Promise.all(done).then(() => undefined);
  }

  #subscribe(client: MqttClient, appDeviceIds: string[]): Promise<void> {
    return new Promise((resolve) => {
      client.subscribe(
        appDeviceIds.map((id) => this.#topic(id)),
        { qos: 1 },
        (err) => {
          // The ring still goes out; that device's answer cannot arrive, so the call rings on the others
          // and times out. A refusal here means the broker's ACL and the panel disagree: say so loudly.
          if (err) this.#log.error({ err: errorMessage(err), appDeviceIds }, 'call subscription failed');
          resolve();
        },
      );
    });
  }

  /** Never rejects: a connection that drops meanwhile is retried, and the next one unsubscribes again. */
  #unsubscribe(client: MqttClient, topics: string[]): Promise<void> {
    return new Promise((resolve) => {
      client.unsubscribe(topics, (err) => {
        if (err) this.#log.warn({ err: errorMessage(err) }, 'call unsubscription failed');
        resolve();
      });
    });
  }

  #topic(appDeviceId: string): string {
    return callTopic(this.#deviceId, 'from', appDeviceId);
  }
}
