/**
 * Keeps every panel's retained `config/desired` equal to its compiled snapshot. After an admin change the
 * affected panels are recompiled; a panel whose snapshot changed gets the next version as a retained
 * snapshot plus a patch from the previous version (the fast path for a panel that is in step). Version
 * bump and diff base are written in one IMMEDIATE transaction, so two hub workers never publish the same
 * version with different contents.
 */
import type { Clock } from '../../../hal/clock/clock.ts';
import { errorMessage } from '../../../hal/errors.ts';
import type { Logger } from '../../../hal/logger.ts';
import { configPatchMessage } from '../../protocol/messages.ts';
import { deviceTopic, PROTOCOL_VERSION } from '../../protocol/topics.ts';
import type { MqttPublisher } from '../mqtt/port.ts';
import type { HubStore } from '../store/hub-store.ts';
import type { PublishedConfig } from '../store/panel-status.ts';
import { compilePanelSnapshot, snapshotHash } from './compile.ts';
import { diffSnapshots } from './diff.ts';

export interface RecompileResult {
  panelId: string;
  version: number;
  changed: boolean;
}

export class ConfigPublisher {
  readonly #store: HubStore;
  readonly #mqtt: MqttPublisher;
  readonly #clock: Clock;
  readonly #logger: Logger;

  constructor(options: { store: HubStore; mqtt: MqttPublisher; clock: Clock; logger: Logger }) {
    this.#store = options.store;
    this.#mqtt = options.mqtt;
    this.#clock = options.clock;
    this.#logger = options.logger.child({ component: 'config-publisher' });
  }

  /**
   * Recompiles every panel. Unchanged panels cost one compile and no message; keeping "affected" this
   * broad means no change can be missed (a card is reachable from many doors through its resident).
   */
  recompileAll(): RecompileResult[] {
    const ids = this.#store.db.prepare('SELECT id FROM panels ORDER BY id').pluck().all() as string[];
    return ids.map((id) => this.recompile(id));
  }

  recompile(panelId: string): RecompileResult {
    const db = this.#store.db;
    const step = db.transaction(() => {
      const previous = this.#store.panels.published(panelId);
      const snapshot = compilePanelSnapshot(db, panelId);
      const hash = snapshotHash(snapshot);
      if (previous?.hash === hash) return { previous, next: undefined };
      const next: PublishedConfig = {
        version: (previous?.version ?? 0) + 1,
        hash,
        snapshot,
        publishedAt: this.#clock.now(),
      };
      this.#store.panels.savePublished(panelId, next);
      return { previous, next };
    });
    const { previous, next } = step.immediate();
    if (!next) return { panelId, version: previous?.version ?? 0, changed: false };
    this.#logger.info({ panelId, version: next.version }, 'panel config changed');
    if (previous) this.#publishPatch(panelId, previous, next);
    this.#publishSnapshot(panelId, next);
    return { panelId, version: next.version, changed: true };
  }

  /** Answers `config/request`: the retained snapshot again (compiling first if there is none yet). */
  republish(panelId: string): void {
    const current = this.#store.panels.published(panelId);
    if (!current) {
      this.recompile(panelId);
      return;
    }
    this.#publishSnapshot(panelId, current);
  }

  /** After (re)connecting: the broker may have lost retained messages, or never got the last one. */
  republishAll(): void {
    const ids = this.#store.db.prepare('SELECT panel_id FROM panel_config').pluck().all() as string[];
    for (const id of ids) this.republish(id);
  }

  #publishSnapshot(panelId: string, config: PublishedConfig): void {
    const message = {
      protocol: PROTOCOL_VERSION,
      version: config.version,
      issuedAt: config.publishedAt,
      data: config.snapshot,
    };
    this.#send(deviceTopic(panelId, 'config/desired'), message, true);
  }

  #publishPatch(panelId: string, previous: PublishedConfig, next: PublishedConfig): void {
    const diff = diffSnapshots(previous.snapshot, next.snapshot);
    const message = configPatchMessage.safeParse({
      protocol: PROTOCOL_VERSION,
      baseVersion: previous.version,
      version: next.version,
      issuedAt: next.publishedAt,
      ...diff,
    });
    // A patch over the protocol's list limits is skipped: the retained snapshot carries the change anyway.
    if (!message.success) {
      this.#logger.warn(
        { panelId, version: next.version },
        'patch too large for the protocol; snapshot only',
      );
      return;
    }
    this.#send(deviceTopic(panelId, 'config/patch'), message.data, false);
  }

  #send(topic: string, payload: unknown, retain: boolean): void {
    this.#mqtt.publish(topic, payload, { qos: 1, retain }).catch((err) => {
      this.#logger.error({ topic, err: errorMessage(err) }, 'config publish failed; resent on reconnect');
    });
  }
}
