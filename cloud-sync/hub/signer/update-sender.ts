/**
 * Starts a software update on a panel: a signed `update.install` naming a release of the catalogue, its
 * download URL on this hub, and the bundle's SHA-256 and size. The panel's status row is set to
 * `requested` with the command's nonce; the panel's update.* events move it on.
 */
import type { Clock } from '../../../lib/clock/clock.ts';
import { NotFoundError, ValidationError } from '../../../lib/errors.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import type { MqttPublisher } from '../mqtt/port.ts';
import type { HubStore } from '../store/hub-store.ts';
import { type CommandSenderDeps, type SentCommand, sendCommand } from './command-sender.ts';
import type { HubKeys } from './keys.ts';

export const UPDATE_COMMAND_TTL_MS = 30_000;

export class UpdateSender {
  readonly #store: HubStore;
  readonly #clock: Clock;
  readonly #deps: CommandSenderDeps;
  readonly #bundleBaseUrl: string | undefined;

  constructor(options: {
    store: HubStore;
    keys: HubKeys;
    mqtt: MqttPublisher;
    clock: Clock;
    logger: Logger;
    /** The URL panels reach this hub's API under (settings releases.publicUrl: the bundle server); unset: updates are off. */
    bundleBaseUrl: string | undefined;
  }) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#bundleBaseUrl = options.bundleBaseUrl?.replace(/\/+$/, '');
    this.#deps = { ...options, logger: options.logger.child({ component: 'update-commands' }) };
  }

  async start(panelId: string, releaseId: string, allowDowngrade = false): Promise<SentCommand> {
    this.#store.entities.get('panels', panelId);
    const release = this.#store.releases.get(releaseId);
    if (!release) throw new NotFoundError(`no release "${releaseId}"`);
    if (!this.#bundleBaseUrl)
      throw new ValidationError('updates need the URL panels reach the hub under (releases.publicUrl)');
    const sent = await sendCommand(
      this.#deps,
      panelId,
      {
        type: 'update.install',
        releaseId: release.id,
        version: release.version,
        url: `${this.#bundleBaseUrl}/releases/${release.id}.raucb`,
        sha256: release.sha256,
        sizeBytes: release.sizeBytes,
        allowDowngrade,
      },
      UPDATE_COMMAND_TTL_MS,
    );
    this.#store.releases.setPanelUpdate(panelId, {
      releaseId: release.id,
      version: release.version,
      state: 'requested',
      percent: null,
      reason: null,
      detail: null,
      nonce: sent.nonce,
      updatedAt: this.#clock.now(),
    });
    return sent;
  }
}
