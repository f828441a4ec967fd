/**
 * Everything panels send to the hub arrives here: the topic names the panel and the leaf, the leaf picks
 * the protocol schema. Anything that does not parse, does not validate or comes from an unknown panel is
 * logged and counted and changes nothing — a panel (or an attacker with a panel's credentials) cannot
 * crash the hub or touch another panel's data, since the panel id comes from the broker-ACL'd topic.
 */
import type { Clock } from '../../../lib/clock/clock.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import {
  type CommandResultMessage,
  type ConfigReportedMessage,
  type DeviceStateMessage,
  type EventsMessage,
  messageSchemas,
} from '../../protocol/messages.ts';
import { allDevicesTopic, type DeviceLeaf, parseDeviceTopic } from '../../protocol/topics.ts';
import type { ConfigPublisher } from '../config/publisher.ts';
import type { HubStore } from '../store/hub-store.ts';
import type { EventConsumer } from './event-consumer.ts';

/** The leaves panels publish on; the hub subscribes to exactly these. */
export const INBOUND_LEAVES = [
  'events',
  'state',
  'config/reported',
  'config/request',
  'commands/result',
] as const;
export const INBOUND_TOPICS: readonly string[] = INBOUND_LEAVES.map((leaf) => allDevicesTopic(leaf));

const MAX_PAYLOAD_BYTES = 1024 * 1024;

export interface InboxStats {
  received: number;
  handled: number;
  invalid: number;
  unknownPanel: number;
}

export class Inbox {
  readonly stats: InboxStats = { received: 0, handled: 0, invalid: 0, unknownPanel: 0 };
  readonly #store: HubStore;
  readonly #consumer: EventConsumer;
  readonly #publisher: ConfigPublisher;
  readonly #clock: Clock;
  readonly #logger: Logger;

  constructor(options: {
    store: HubStore;
    consumer: EventConsumer;
    publisher: ConfigPublisher;
    clock: Clock;
    logger: Logger;
  }) {
    this.#store = options.store;
    this.#consumer = options.consumer;
    this.#publisher = options.publisher;
    this.#clock = options.clock;
    this.#logger = options.logger.child({ component: 'inbox' });
  }

  handle(topic: string, payload: Buffer): void {
    this.stats.received++;
    const where = parseDeviceTopic(topic);
    if (!where || !(INBOUND_LEAVES as readonly string[]).includes(where.leaf)) {
      this.#invalid(topic, 'not a panel-to-hub topic');
      return;
    }
    if (payload.length > MAX_PAYLOAD_BYTES) {
      this.#invalid(topic, 'payload too large');
      return;
    }
    // An empty retained payload clears a retained message: nothing to record.
    if (payload.length === 0) return;
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
    } catch {
      this.#invalid(topic, 'payload is not UTF-8 JSON');
      return;
    }
    const parsed = messageSchemas[where.leaf].safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      this.#invalid(topic, issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid message');
      return;
    }
    const { deviceId } = where;
    if (!this.#store.entities.find('panels', deviceId)) {
      this.stats.unknownPanel++;
      this.#logger.warn({ topic }, 'message from an unknown panel ignored');
      return;
    }
    const problem = this.#dispatch(deviceId, where.leaf, parsed.data);
    if (problem) {
      this.#invalid(topic, problem);
      return;
    }
    this.stats.handled++;
  }

  #dispatch(panelId: string, leaf: DeviceLeaf, message: unknown): string | undefined {
    switch (leaf) {
      case 'events':
        return this.#consumer.handle(panelId, message as EventsMessage);
      case 'state':
        this.#store.panels.saveState(panelId, message as DeviceStateMessage, this.#clock.now());
        return undefined;
      case 'config/reported':
        this.#store.panels.saveReported(panelId, message as ConfigReportedMessage);
        return undefined;
      case 'config/request':
        this.#logger.info({ panelId, request: message }, 'panel asked for a config snapshot');
        this.#publisher.republish(panelId);
        return undefined;
      case 'commands/result':
        if (!this.#store.commands.recordResult(panelId, message as CommandResultMessage))
          this.#logger.warn({ panelId }, 'command result for no pending command of this panel');
        return undefined;
      default:
        return 'not a panel-to-hub topic';
    }
  }

  #invalid(topic: string, reason: string): void {
    this.stats.invalid++;
    this.#logger.warn({ topic, reason }, 'invalid MQTT message ignored');
  }
}
