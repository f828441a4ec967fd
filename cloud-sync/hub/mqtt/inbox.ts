/**
 * Everything panels send to the hub arrives here: the topic names the panel and the leaf, the leaf picks
 * the protocol schema. Anything that does not parse, does not validate or comes from an unknown panel is
 * logged and counted and changes nothing — a panel (or an attacker with a panel's credentials) cannot
 * crash the hub or touch another panel's data, since the panel id comes from the broker-ACL'd topic.
 */
import type { z } from 'zod';
import type { Clock } from '../../../lib/clock/clock.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import { type CommandResultMessage, messageSchemas } from '../../protocol/messages.ts';
import { allDevicesTopic, parseDeviceTopic } from '../../protocol/topics.ts';
import type { ConfigPublisher } from '../config/publisher.ts';
import type { HubStore } from '../store/hub-store.ts';
import { type EventConsumer, INBOX_MAX_PAYLOAD_BYTES } from './event-consumer.ts';

/** The leaves panels publish on; the hub subscribes to exactly these. */
export const INBOUND_LEAVES = [
  'events',
  'state',
  'config/reported',
  'config/request',
  'commands/result',
] as const;
export const INBOUND_TOPICS: readonly string[] = INBOUND_LEAVES.map((leaf) => allDevicesTopic(leaf));

/** `events` goes to the event consumer raw: it answers what it refuses, which needs more than a schema. */
type InboundLeaf = Exclude<(typeof INBOUND_LEAVES)[number], 'events'>;
type InboundMessage<L extends InboundLeaf> = z.output<(typeof messageSchemas)[L]>;
/** What each leaf does with its validated message; an error text marks a well-formed but unusable one. */
type Handlers = {
  readonly [L in InboundLeaf]: (panelId: string, message: InboundMessage<L>) => string | undefined;
};
/** The protocol's schemas seen through their message types, so a leaf `L` parses into `InboundMessage<L>`. */
const SCHEMAS: { readonly [L in InboundLeaf]: z.ZodType<InboundMessage<L>> } = messageSchemas;

const isInbound = (leaf: string): leaf is InboundLeaf =>
  leaf !== 'events' && INBOUND_LEAVES.some((inbound) => inbound === leaf);

const MAX_PAYLOAD_BYTES = INBOX_MAX_PAYLOAD_BYTES;

export interface InboxStats {
  received: number;
  handled: number;
  invalid: number;
  unknownPanel: number;
}

export interface InboxOptions {
  store: HubStore;
  consumer: EventConsumer;
  publisher: ConfigPublisher;
  clock: Clock;
  logger: Logger;
  /** Told each command result a known panel reported (metrics). */
  onCommandResult?: ((status: CommandResultMessage['status']) => void) | undefined;
}

export class Inbox {
  readonly stats: InboxStats = { received: 0, handled: 0, invalid: 0, unknownPanel: 0 };
  readonly #logger: Logger;
  readonly #handlers: Handlers;
  readonly #isPanel: (id: string) => boolean;
  readonly #consumer: EventConsumer;

  constructor(options: InboxOptions) {
    const { store, consumer, publisher, clock } = options;
    const logger = options.logger.child({ component: 'inbox' });
    this.#logger = logger;
    this.#consumer = consumer;
    this.#handlers = {
      state: (panelId, message) => {
        store.panels.saveState(panelId, message, clock.now());
      },
      'config/reported': (panelId, message) => {
        publisher.reports.handle(panelId, message);
      },
      'config/request': (panelId, message) => {
        logger.info({ panelId, request: message }, 'panel asked for a config snapshot');
        publisher.republish(panelId);
      },
      'commands/result': (panelId, message) => {
        options.onCommandResult?.(message.status);
        if (!store.commands.recordResult(panelId, message))
          logger.warn({ panelId }, 'command result for no pending command of this panel');
      },
    };
    this.#isPanel = (id) => store.entities.find('panels', id) !== undefined;
  }

  handle(topic: string, payload: Buffer): void {
    this.stats.received++;
    const where = parseDeviceTopic(topic);
    if (where?.leaf === 'events') {
      this.#receiveEvents(topic, where.deviceId, payload);
      return;
    }
    if (!where || !isInbound(where.leaf)) {
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
    this.#receive(topic, where.deviceId, where.leaf, json);
  }

  #receive<L extends InboundLeaf>(topic: string, panelId: string, leaf: L, json: unknown): void {
    const parsed = SCHEMAS[leaf].safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      this.#invalid(topic, issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid message');
      return;
    }
    if (!this.#isPanel(panelId)) {
      this.stats.unknownPanel++;
      this.#logger.warn({ topic }, 'message from an unknown panel ignored');
      return;
    }
    const handler: Handlers[L] = this.#handlers[leaf];
    const problem = handler(panelId, parsed.data);
    if (problem) {
      this.#invalid(topic, problem);
      return;
    }
    this.stats.handled++;
  }

  /**
   * Events are answered even when refused, so that one bad message cannot wedge a panel's upload; the
   * consumer reads the payload itself (it bounds what it parses).
   */
  #receiveEvents(topic: string, panelId: string, payload: Buffer): void {
    if (payload.length === 0) return;
    if (!this.#isPanel(panelId)) {
      this.stats.unknownPanel++;
      this.#logger.warn({ topic }, 'message from an unknown panel ignored');
      return;
    }
    const problem = this.#consumer.receive(panelId, payload);
    if (problem) this.#invalid(topic, problem);
    else this.stats.handled++;
  }

  #invalid(topic: string, reason: string): void {
    this.stats.invalid++;
    this.#logger.warn({ topic, reason }, 'invalid MQTT message ignored');
  }
}
