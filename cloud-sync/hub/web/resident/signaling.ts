/**
 * Call signaling over MQTT (mqtt.js over WebSocket). The app logs in as its app device, subscribes to
 * every panel's messages to it and answers on the panel's `from/<itself>` topic — the broker ACL lets it
 * do nothing else. Every incoming message is checked: the topic must be ours and come from a panel of
 * the resident's buildings, and the payload must pass the protocol schema; anything else is ignored with
 * a console warning (a bad message must never break the app).
 */
import mqtt, { type MqttClient } from 'mqtt';
import {
  type AppCallMessageInput,
  appCallMessage,
  appDeviceCallFilter,
  callTopic,
  type PanelCallMessage,
  panelCallMessage,
  parseCallTopic,
} from '../../../protocol/calls.ts';
import type { MqttCredentials } from '../../../protocol/resident-api.ts';
import { status } from './status.ts';

export interface SignalingEvents {
  message(panelId: string, message: PanelCallMessage): void;
  connection(connected: boolean): void;
}

export class Signaling {
  readonly #creds: MqttCredentials;
  readonly #panels: Set<string>;
  readonly #events: SignalingEvents;
  #client: MqttClient | undefined;

  constructor(creds: MqttCredentials, panelIds: readonly string[], events: SignalingEvents) {
    this.#creds = creds;
    this.#panels = new Set(panelIds);
    this.#events = events;
  }

  get appDeviceId(): string {
    return this.#creds.username;
  }

  setPanels(panelIds: readonly string[]): void {
    this.#panels.clear();
    for (const id of panelIds) this.#panels.add(id);
  }

  start(): void {
    const client = mqtt.connect(this.#creds.url, {
      // MQTT 3.1.1: every broker the product runs with speaks it (the simulator's aedes speaks only it).
      protocolVersion: 4,
      clientId: this.#creds.clientId,
      username: this.#creds.username,
      password: this.#creds.password,
      clean: true,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      keepalive: 30,
    });
    this.#client = client;
    client.on('connect', () => {
      client.subscribe(appDeviceCallFilter(this.appDeviceId), { qos: 1 }, (err) => {
        if (err) console.warn('portvakt: subscribing to call signaling failed', err);
      });
      this.#events.connection(true);
    });
    client.on('close', () => this.#events.connection(false));
    client.on('error', (err) => console.warn('portvakt: broker connection error:', err.message));
    client.on('message', (topic, payload) => this.#receive(topic, payload));
  }

  stop(): void {
    this.#client?.end(true);
    this.#client = undefined;
  }

  /** Publishes to the panel; the message is checked against the schema first (a bug here is ours). */
  send(panelId: string, message: AppCallMessageInput): void {
    const checked = appCallMessage.safeParse(message);
    const client = this.#client;
    if (!checked.success || !client) {
      console.warn(
        'portvakt: not sending a call message',
        message.type,
        checked.success ? 'offline' : 'invalid',
      );
      return;
    }
    client.publish(callTopic(panelId, 'from', this.appDeviceId), JSON.stringify(checked.data), { qos: 1 });
    status.messagesSent++;
  }

  #receive(topic: string, payload: Uint8Array): void {
    status.messagesReceived++;
    const decoded = this.#decode(topic, payload);
    if (typeof decoded === 'string') {
      status.messagesIgnored++;
      console.warn(`portvakt: ignoring a call message on ${topic}: ${decoded}`);
      return;
    }
    try {
      this.#events.message(decoded.panelId, decoded.message);
    } catch (err) {
      console.warn('portvakt: handling a call message failed', err);
    }
  }

  /** The sending panel and the message, or why the message is ignored. */
  #decode(topic: string, payload: Uint8Array): { panelId: string; message: PanelCallMessage } | string {
    const where = parseCallTopic(topic);
    if (where?.direction !== 'to' || where.appDeviceId !== this.appDeviceId)
      return 'not a call topic of this device';
    if (!this.#panels.has(where.deviceId)) return `panel "${where.deviceId}" is not one of ours`;
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
    } catch {
      return 'not JSON';
    }
    const parsed = panelCallMessage.safeParse(json);
    if (!parsed.success)
      return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    return { panelId: where.deviceId, message: parsed.data };
  }
}
