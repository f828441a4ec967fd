/**
 * Stores panel audit events and acknowledges the in-order stream. An ack promises "everything up to here
 * is stored", so it is sent only after the batch's transaction committed, and it never names a seq past a
 * gap: when a batch starts beyond our position (we missed one), nothing is stored and the ack repeats our
 * position, which makes the panel resend from there.
 */
import type { Clock } from '../../../lib/clock/clock.ts';
import { errorMessage } from '../../../lib/errors.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import type { EventsMessage } from '../../protocol/messages.ts';
import { deviceTopic, PROTOCOL_VERSION } from '../../protocol/topics.ts';
import type { EventLog } from '../store/event-log.ts';
import type { MqttPublisher } from './port.ts';

export class EventConsumer {
  readonly #events: EventLog;
  readonly #mqtt: MqttPublisher;
  readonly #clock: Clock;
  readonly #logger: Logger;

  constructor(options: { events: EventLog; mqtt: MqttPublisher; clock: Clock; logger: Logger }) {
    this.#events = options.events;
    this.#mqtt = options.mqtt;
    this.#clock = options.clock;
    this.#logger = options.logger.child({ component: 'event-consumer' });
  }

  /**
   * Returns an error text for a batch that is well-formed JSON but inconsistent (caller counts it as
   * invalid); undefined when handled.
   */
  handle(panelId: string, message: EventsMessage): string | undefined {
    const problem = orderProblem(message);
    if (problem) return problem;
    const now = this.#clock.now();
    if (message.live) {
      const inserted = this.#events.storeLive(panelId, message.events, now);
      this.#logger.debug({ panelId, inserted }, 'live events stored');
      return undefined;
    }
    const result = this.#events.storeInOrder(panelId, message.afterSeq, message.events, now);
    if (result.gap)
      this.#logger.info(
        { panelId, afterSeq: message.afterSeq, position: result.position },
        'event gap; asking resend',
      );
    else
      this.#logger.debug({ panelId, inserted: result.inserted, position: result.position }, 'events stored');
    this.#mqtt
      .publish(
        deviceTopic(panelId, 'events/ack'),
        { protocol: PROTOCOL_VERSION, upToSeq: result.position },
        { qos: 1 },
      )
      .catch((err) =>
        this.#logger.warn({ panelId, err: errorMessage(err) }, 'events ack failed; next batch re-acks'),
      );
    return undefined;
  }
}

/** Seqs must rise strictly and start after `afterSeq`, or the position logic would be meaningless. */
function orderProblem(message: EventsMessage): string | undefined {
  let last = message.afterSeq;
  for (const e of message.events) {
    if (e.seq <= last) return `event ${e.id} has seq ${e.seq}, not above ${last}`;
    last = e.seq;
  }
  return undefined;
}
