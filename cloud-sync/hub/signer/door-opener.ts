/**
 * Door commands: remote door opening — a short-lived, single-use, signed `door.open` to the door's panel
 * (command-sender.ts) — and card enrolment at a door (`card.enrol`).
 */
import type { Clock } from '../../../lib/clock/clock.ts';
import { NotFoundError, PortvaktError } from '../../../lib/errors.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import type { MqttPublisher } from '../mqtt/port.ts';
import type { HubStore } from '../store/hub-store.ts';
import { type CommandSenderDeps, type SentCommand, sendCommand } from './command-sender.ts';
import type { HubKeys } from './keys.ts';
import { assertResidentMayOpen } from './resident-access.ts';

export const COMMAND_TTL_MS = 30_000;
/** Card enrolment waits for someone to walk to the door and tap. */
export const ENROL_TTL_MS = 60_000;

export interface OpenRequest {
  doorId: string;
  onBehalfOf: { kind: 'resident' | 'admin' | 'installer'; id: string };
  reason: string;
  pulseMs?: number | undefined;
}

export class DoorOpener {
  readonly #store: HubStore;
  readonly #clock: Clock;
  readonly #deps: CommandSenderDeps;

  constructor(options: {
    store: HubStore;
    keys: HubKeys;
    mqtt: MqttPublisher;
    clock: Clock;
    logger: Logger;
  }) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#deps = { ...options, logger: options.logger.child({ component: 'door-commands' }) };
  }

  async open(request: OpenRequest): Promise<SentCommand> {
    const { panelId } = this.#store.entities.get('doors', request.doorId);
    if (request.onBehalfOf.kind === 'resident') {
      const resident = this.#store.entities.find('residents', request.onBehalfOf.id);
      if (!resident) throw new NotFoundError(`no resident "${request.onBehalfOf.id}"`);
      if (resident.status !== 'active')
        throw new PortvaktError('conflict', `resident "${request.onBehalfOf.id}" is not active`);
      assertResidentMayOpen(this.#store, request.onBehalfOf.id, request.doorId, this.#clock.now());
    }
    return sendCommand(
      this.#deps,
      panelId,
      {
        type: 'door.open',
        doorId: request.doorId,
        onBehalfOf: request.onBehalfOf,
        reason: request.reason,
        ...(request.pulseMs !== undefined ? { pulseMs: request.pulseMs } : {}),
      },
      COMMAND_TTL_MS,
    );
  }

  /**
   * Arms card enrolment at the door: the next card on one of its readers opens nothing, and its UID comes
   * back as the command's result (`GET /api/v1/commands/{nonce}` → `cardUid`).
   */
  async enrolCard(doorId: string, durationS: number): Promise<SentCommand> {
    const { panelId } = this.#store.entities.get('doors', doorId);
    // The panel answers before the command expires: it waits durationS at most (≤ 55 s).
    return sendCommand(this.#deps, panelId, { type: 'card.enrol', doorId, durationS }, ENROL_TTL_MS);
  }
}
