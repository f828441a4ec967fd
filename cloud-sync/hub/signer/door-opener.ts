/**
 * Remote door opening: the hub signs a short-lived, single-use `door.open` command and sends it to the
 * door's panel. The panel verifies it with the hub's public key, so the broker (or anyone with broker
 * access) cannot forge one; the 128-bit random nonce lets the panel refuse replays.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../lib/clock/clock.ts';
import { errorMessage, NotFoundError, PortvaktError } from '../../../lib/errors.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import type { CommandBody } from '../../protocol/messages.ts';
import { signCommand } from '../../protocol/signing.ts';
import { deviceTopic } from '../../protocol/topics.ts';
import type { MqttPublisher } from '../mqtt/port.ts';
import type { HubStore } from '../store/hub-store.ts';
import type { HubKeys } from './keys.ts';
import { assertResidentMayOpen } from './resident-access.ts';

export const COMMAND_TTL_MS = 30_000;

export interface OpenRequest {
  doorId: string;
  onBehalfOf: { kind: 'resident' | 'admin' | 'installer'; id: string };
  reason: string;
  pulseMs?: number | undefined;
}

export class DoorOpener {
  readonly #store: HubStore;
  readonly #keys: HubKeys;
  readonly #mqtt: MqttPublisher;
  readonly #clock: Clock;
  readonly #logger: Logger;

  constructor(options: {
    store: HubStore;
    keys: HubKeys;
    mqtt: MqttPublisher;
    clock: Clock;
    logger: Logger;
  }) {
    this.#store = options.store;
    this.#keys = options.keys;
    this.#mqtt = options.mqtt;
    this.#clock = options.clock;
    this.#logger = options.logger.child({ component: 'door-opener' });
  }

  async open(request: OpenRequest): Promise<{ nonce: string; panelId: string; expiresAt: number }> {
    const { panelId } = this.#store.entities.get('doors', request.doorId);
    if (request.onBehalfOf.kind === 'resident') {
      const resident = this.#store.entities.find('residents', request.onBehalfOf.id);
      if (!resident) throw new NotFoundError(`no resident "${request.onBehalfOf.id}"`);
      if (resident.status !== 'active')
        throw new PortvaktError('conflict', `resident "${request.onBehalfOf.id}" is not active`);
      assertResidentMayOpen(this.#store, request.onBehalfOf.id, request.doorId, this.#clock.now());
    }
    const issuedAt = this.#clock.now();
    const body: CommandBody = {
      nonce: randomBytes(16).toString('hex'),
      deviceId: panelId,
      issuedAt,
      expiresAt: issuedAt + COMMAND_TTL_MS,
      command: {
        type: 'door.open',
        doorId: request.doorId,
        onBehalfOf: request.onBehalfOf,
        reason: request.reason,
        ...(request.pulseMs !== undefined ? { pulseMs: request.pulseMs } : {}),
      },
    };
    const message = await signCommand(this.#keys.privateKey, body);
    // Logged before sending: a result can arrive before publish() resolves.
    this.#store.commands.record(body);
    this.#logger.info(
      { panelId, doorId: request.doorId, nonce: body.nonce, by: request.onBehalfOf },
      'door.open sent',
    );
    this.#mqtt
      .publish(deviceTopic(panelId, 'commands'), message, { qos: 1 })
      .catch((err) =>
        this.#logger.warn({ nonce: body.nonce, err: errorMessage(err) }, 'command publish failed'),
      );
    return { nonce: body.nonce, panelId, expiresAt: body.expiresAt };
  }
}
