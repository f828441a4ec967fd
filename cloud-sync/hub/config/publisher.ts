/**
 * Keeps every panel's retained `config/desired` equal to its compiled snapshot. After an admin change the
 * affected panels are recompiled; a panel whose snapshot changed gets the next version as a retained
 * snapshot plus a patch from the previous version (what a panel that is in step applies). Versions are
 * recorded in the admin write's transaction, or in an IMMEDIATE one, so two hub workers never publish the
 * same version with different contents; messages go out only after the commit.
 *
 * A card change, and a change of a resident's own fields (doorbell text, hiding, removal), take a faster
 * path: recompiling a large building costs hundreds of milliseconds, while a revoked card must stop
 * opening doors at once and a renamed or removed resident should leave the panel's screen at once. Its
 * one-row patch is sent right after the write and recorded as pending; the recompile follows shortly
 * after, folds the pending patches into the stored snapshot and republishes the retained snapshot at the
 * same version (or the next, if the data moved on).
 */
import type { Clock, TimerHandle } from '../../../lib/clock/clock.ts';
import { errorMessage } from '../../../lib/errors.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import { signConfig } from '../../protocol/config-signing.ts';
import type { MqttPublisher } from '../mqtt/port.ts';
import { type HubKeys, trustedKeyTexts } from '../signer/keys.ts';
import { type EntityChange, isChangeOf } from '../store/entities.ts';
import type { HubStore } from '../store/hub-store.ts';
import { cardChangeDiffs } from './card-changes.ts';
import { ConfigReports, type PanelVersion } from './config-reports.ts';
import { ConfigVersions, type Outgoing, type RecompileResult } from './config-versions.ts';
import type { SnapshotDiff } from './diff.ts';
import { residentChangeDiffs, residentRowDiffs } from './resident-changes.ts';

export type { RecompileResult } from './config-versions.ts';

/** How long after a fast-path patch the full recompile runs (more changes meanwhile share it). */
export const RECOMPILE_DELAY_MS = 300;

/** Card changes in one write up to which each gets its own fast-path patch; more recompile once. */
const FAST_PATH_MAX_CHANGES = 20;

export class ConfigPublisher {
  readonly #store: HubStore;
  readonly #mqtt: MqttPublisher;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #versions: ConfigVersions;
  readonly #keys: HubKeys;
  /** What panels report applying: the unpublished-version alarm, and waiting for a change to apply. */
  readonly reports: ConfigReports;
  /** Collects the versions admin changes produce while `track` runs. */
  #tracked: Map<string, number> | undefined;
  readonly #due = new Set<string>();
  #timer: TimerHandle | undefined;
  /** Signing is asynchronous; this chain keeps messages in the order they were decided (patch, snapshot). */
  #sending: Promise<void> = Promise.resolve();

  constructor(options: {
    store: HubStore;
    mqtt: MqttPublisher;
    keys: HubKeys;
    clock: Clock;
    logger: Logger;
  }) {
    this.#store = options.store;
    this.#mqtt = options.mqtt;
    this.#keys = options.keys;
    this.#clock = options.clock;
    this.#logger = options.logger.child({ component: 'config-publisher' });
    this.#versions = new ConfigVersions(
      options.store,
      this.#logger,
      () => options.clock.now(),
      () => trustedKeyTexts(options.keys),
    );
    this.reports = new ConfigReports({
      store: options.store,
      clock: options.clock,
      logger: this.#logger,
      bumpEpoch: (panelId) => this.bumpEpoch(panelId),
    });
  }

  /** Runs an admin change and returns, beside its result, the config version it produced per panel. */
  track<T>(change: () => T): { result: T; versions: PanelVersion[] } {
    const tracked = new Map<string, number>();
    this.#tracked = tracked;
    try {
      const result = change();
      return {
        result,
        versions: [...tracked].map(([panelId, version]) => ({ panelId, version })).sort(byPanel),
      };
    } finally {
      this.#tracked = undefined;
    }
  }

  /**
   * Recompiles every panel. Unchanged panels cost one compile and no message; keeping "affected" this
   * broad means no change can be missed (a card is reachable from many doors through its resident).
   */
  recompileAll(): RecompileResult[] {
    return this.#store.entities.ids('panels').map((id) => this.recompile(id));
  }

  recompile(panelId: string): RecompileResult {
    const result = this.#store.transaction(() => this.#versions.recompile(panelId), { immediate: true });
    this.#sendAll(result.messages);
    return result;
  }

  /**
   * An admin write, inside its transaction: records what its changes mean for each panel's config and
   * returns what to send once the write has committed. A few card changes take the fast path (a patch per
   * card); anything else, or a bulk load, recompiles every panel once, whatever the number of rows.
   */
  onChange(changes: readonly EntityChange[]): () => void {
    const messages: Outgoing[] = [];
    const fast = changes.length <= FAST_PATH_MAX_CHANGES ? changes.map((c) => this.#fastDiffs(c)) : [];
    if (fast.length === changes.length && fast.every((diffs) => diffs !== undefined)) {
      for (const diffs of fast) messages.push(...this.#fastPath(diffs));
    } else {
      for (const id of this.#store.entities.ids('panels'))
        messages.push(...this.#versions.recompile(id).messages);
    }
    for (const m of messages) {
      const seen = this.#tracked?.get(m.body.deviceId) ?? 0;
      if (m.body.version > seen) this.#tracked?.set(m.body.deviceId, m.body.version);
    }
    return () => {
      this.#sendAll(messages);
      this.#scheduleRecompile();
    };
  }

  /**
   * A resident's row changed outside the entities repository (their panel PIN, which no admin row
   * holds): `write` runs in an IMMEDIATE transaction with the one-row patches for `panelIds`, which are
   * sent once it committed; the recompile follows as after any fast-path patch.
   */
  residentRowChanged(residentId: string, panelIds: readonly string[], write: () => void): void {
    const messages = this.#store.transaction(
      () => {
        write();
        return this.#fastPath(residentRowDiffs(this.#store, residentId, panelIds));
      },
      { immediate: true },
    );
    this.#sendAll(messages);
    this.#scheduleRecompile();
  }

  /** The one-row patches of a change that has a fast path (cards, a resident's own fields), per panel. */
  #fastDiffs(change: EntityChange): Map<string, SnapshotDiff> | undefined {
    if (isChangeOf(change, 'cards')) return cardChangeDiffs(this.#store, change);
    if (isChangeOf(change, 'residents')) return residentChangeDiffs(this.#store, change);
    return undefined;
  }

  #fastPath(diffs: Map<string, SnapshotDiff>): Outgoing[] {
    const messages: Outgoing[] = [];
    for (const [panelId, diff] of diffs) {
      const patch = this.#versions.addPatch(panelId, diff);
      if (patch) {
        messages.push(patch);
        this.#due.add(panelId);
      } else messages.push(...this.#versions.recompile(panelId).messages);
    }
    return messages;
  }

  /** Answers `config/request`: the retained snapshot again (compiling first if it is behind). */
  republish(panelId: string): void {
    this.#sendAll(this.#store.transaction(() => this.#versions.current(panelId), { immediate: true }));
  }

  /**
   * Starts a new config epoch for the panel and publishes its snapshot: the panel replaces its config with
   * it whatever version it holds (recovery from a poisoned or diverged replica). Returns the new epoch.
   */
  bumpEpoch(panelId: string): { epoch: number; version: number } {
    const messages = this.#store.transaction(() => this.#versions.bumpEpoch(panelId), { immediate: true });
    this.#sendAll(messages);
    const published = this.#store.panels.published(panelId);
    return { epoch: published?.epoch ?? 0, version: published?.version ?? 0 };
  }

  /** Resolves once every message decided so far has been signed and handed to the broker client. */
  flushed(): Promise<void> {
    return this.#sending;
  }

  /** After (re)connecting: the broker may have lost retained messages, or never got the last one. */
  republishAll(): void {
    for (const id of this.#store.panels.publishedIds()) this.republish(id);
  }

  /** Cancels a pending recompile (the hub is stopping). */
  stop(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #scheduleRecompile(): void {
    if (this.#timer || this.#due.size === 0) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      const due = [...this.#due];
      this.#due.clear();
      for (const id of due) {
        try {
          this.recompile(id);
        } catch (err) {
          this.#logger.error(
            { panelId: id, err: errorMessage(err) },
            'recompile after a fast-path patch failed',
          );
        }
      }
    }, RECOMPILE_DELAY_MS);
  }

  #sendAll(messages: readonly Outgoing[]): void {
    if (messages.length === 0) return;
    // The key is read when signing, so a rotation step applies to everything sent after it.
    this.#sending = this.#sending.then(async () => {
      for (const message of messages) {
        let payload: Uint8Array;
        try {
          payload = await signConfig(this.#keys.privateKey, message.kind, message.body);
        } catch (err) {
          this.#logger.error({ topic: message.topic, err: errorMessage(err) }, 'config signing failed');
          continue;
        }
        this.#mqtt.publish(message.topic, payload, { qos: 1, retain: message.retain }).catch((err) => {
          this.#logger.error(
            { topic: message.topic, err: errorMessage(err) },
            'config publish failed; resent on reconnect',
          );
        });
      }
    });
  }
}

const byPanel = (a: PanelVersion, b: PanelVersion) =>
  a.panelId < b.panelId ? -1 : a.panelId > b.panelId ? 1 : 0;
