/**
 * Turns the panel's door changes and audit events into Home Assistant messages and hands them to the
 * link. The visitor picture is bounded in size (state-messages.ts) and sent at most once per
 * `imageMinIntervalS`: a bell pressed again and again must not become a stream of pictures on the
 * owner's broker.
 */
import type { Clock } from '../../lib/clock/clock.ts';
import type { AuditEvent } from '../audit/types.ts';
import type { DoorConfig } from '../config/schema.ts';
import type { DoorState } from '../door/types.ts';
import { auditEventMessage, doorStateMessages, type HaMessage, visitorJpeg } from './state-messages.ts';
import type { HaTopics } from './topics.ts';

export interface HaPublisherDeps {
  topics: HaTopics;
  doors: readonly DoorConfig[];
  /** Publishes (or drops while the broker is away: states are sent again on each connect). */
  send: (message: HaMessage) => void;
  /** The bell's text as the screen shows it to anyone; undefined for a bell the directory hides. */
  bellName: (bellId: string) => string | undefined;
  /** The doors a reader serves (a refused card event names them). */
  readerDoors: (readerId: string) => readonly string[];
  clock: Clock;
  imageMinIntervalS: number;
}

export class HaPublisher {
  readonly #d: HaPublisherDeps;
  readonly #doors: Map<string, DoorConfig>;
  #lastImageAt: number | undefined;

  constructor(deps: HaPublisherDeps) {
    this.#d = deps;
    this.#doors = new Map(deps.doors.map((d) => [d.id, d]));
  }

  doorChanged(state: DoorState): void {
    const door = this.#doors.get(state.id);
    if (!door) return;
    for (const m of doorStateMessages(door, state, this.#d.topics)) this.#d.send(m);
  }

  audit(event: AuditEvent): void {
    const message = auditEventMessage(event, this.#d.topics, this.#d);
    if (message) this.#d.send(message);
    const jpeg = visitorJpeg(event);
    if (jpeg && this.#imageDue())
      this.#d.send({ topic: this.#d.topics.visitorImage, payload: jpeg, retain: true });
  }

  #imageDue(): boolean {
    const now = this.#d.clock.monotonic();
    if (this.#lastImageAt !== undefined && now - this.#lastImageAt < this.#d.imageMinIntervalS * 1000)
      return false;
    this.#lastImageAt = now;
    return true;
  }
}
