/**
 * Every topic the Home Assistant link uses, in one place. States, events and commands live under
 * `<topicPrefix>/<panelId>/`; discovery under `<discoveryPrefix>/<component>/<panelId>/<objectId>/config`
 * (Home Assistant's layout, the panel id as node id); Home Assistant announces itself on
 * `<discoveryPrefix>/status`. Door ids are config ids (a-z, 0-9, "_", "-"), so they are safe topic levels.
 */
import type { DoorAlarm } from '../door/types.ts';

export type HaComponent = 'lock' | 'binary_sensor' | 'event' | 'image';

export class HaTopics {
  readonly #base: string;
  readonly #discovery: string;
  readonly #panelId: string;

  constructor(options: { topicPrefix: string; discoveryPrefix: string; panelId: string }) {
    this.#base = `${options.topicPrefix}/${options.panelId}`;
    this.#discovery = options.discoveryPrefix;
    this.#panelId = options.panelId;
  }

  /** Retained `online`, the will `offline`: one availability for every entity of the panel. */
  get availability(): string {
    return `${this.#base}/availability`;
  }

  /** Home Assistant's birth and will (`online` / `offline`): discovery is sent again on `online`. */
  get haStatus(): string {
    return `${this.#discovery}/status`;
  }

  discovery(component: HaComponent, objectId: string): string {
    return `${this.#discovery}/${component}/${this.#panelId}/${objectId}/config`;
  }

  lockState(doorId: string): string {
    return `${this.#base}/door/${doorId}/lock`;
  }

  lockCommand(doorId: string): string {
    return `${this.#base}/door/${doorId}/lock/set`;
  }

  /** The one subscription that covers every door's lock command. */
  get lockCommandFilter(): string {
    return `${this.#base}/door/+/lock/set`;
  }

  /** The door id of a lock command topic, or undefined for any other topic. */
  doorOfCommand(topic: string): string | undefined {
    const prefix = `${this.#base}/door/`;
    if (!topic.startsWith(prefix) || !topic.endsWith('/lock/set')) return undefined;
    const doorId = topic.slice(prefix.length, -'/lock/set'.length);
    return /^[a-z0-9][a-z0-9_-]{0,62}$/.test(doorId) ? doorId : undefined;
  }

  contact(doorId: string): string {
    return `${this.#base}/door/${doorId}/contact`;
  }

  alarm(doorId: string, alarm: DoorAlarm): string {
    return `${this.#base}/door/${doorId}/alarm/${alarm}`;
  }

  get doorbell(): string {
    return `${this.#base}/doorbell`;
  }

  get cards(): string {
    return `${this.#base}/cards`;
  }

  get visitorImage(): string {
    return `${this.#base}/visitor/image`;
  }
}
