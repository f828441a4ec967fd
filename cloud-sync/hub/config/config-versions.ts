/**
 * The database side of publishing: deciding each panel's next config version and what to send for it,
 * inside the caller's transaction (an admin write, or the publisher's own IMMEDIATE one), so a version is
 * recorded exactly when its messages are sent after the commit. Nothing here talks to the broker.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../../../lib/log/logger.ts';
import type { ConfigKind, ConfigPatchBody, ConfigSnapshotBody } from '../../protocol/config-signing.ts';
import { configPatchMessage } from '../../protocol/messages.ts';
import { deviceTopic, PROTOCOL_VERSION } from '../../protocol/topics.ts';
import type { HubStore } from '../store/hub-store.ts';
import type { PublishedConfig } from '../store/panel-status.ts';
import { applyPatches } from './apply-patch.ts';
import { compilePanelSnapshot, snapshotHash } from './compile.ts';
import { diffSnapshots, type SnapshotDiff } from './diff.ts';

/** A config message to sign and send (the publisher signs it after the commit). */
export type Outgoing =
  | { topic: string; kind: Extract<ConfigKind, 'snapshot'>; body: ConfigSnapshotBody; retain: true }
  | { topic: string; kind: Extract<ConfigKind, 'patch'>; body: ConfigPatchBody; retain: false };

export interface RecompileResult {
  panelId: string;
  version: number;
  changed: boolean;
  messages: Outgoing[];
}

export class ConfigVersions {
  readonly #store: HubStore;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #hubKeys: () => string[];

  /** `hubKeys`: the public keys panels should trust (both during a key rotation). */
  constructor(store: HubStore, logger: Logger, now: () => number, hubKeys: () => string[]) {
    this.#store = store;
    this.#logger = logger;
    this.#now = now;
    this.#hubKeys = hubKeys;
  }

  /**
   * Compiles the panel's snapshot; when it differs from what panels were sent (the stored snapshot plus
   * pending fast-path patches), records the next version and returns its patch and retained snapshot.
   * Pending patches that the compile confirms are folded in at their own version (snapshot only).
   */
  recompile(panelId: string): RecompileResult {
    const stored = this.#store.panels.published(panelId);
    const pending = this.#store.pendingPatches.list(panelId);
    const current = stored && pending.length > 0 ? withPending(stored, pending, this.#hubKeys()) : stored;
    const snapshot = compilePanelSnapshot(this.#store, panelId);
    const hash = configHash(snapshot, this.#hubKeys());
    this.#store.pendingPatches.clear(panelId);
    if (current?.hash === hash) {
      if (pending.length === 0) return { panelId, version: current.version, changed: false, messages: [] };
      const folded = { ...current, publishedAt: this.#now() };
      this.#store.panels.savePublished(panelId, folded);
      return {
        panelId,
        version: folded.version,
        changed: false,
        messages: [this.#snapshotMessage(panelId, folded)],
      };
    }
    const next: PublishedConfig = {
      version: (current?.version ?? 0) + 1,
      epoch: current?.epoch ?? 1,
      hash,
      snapshot,
      publishedAt: this.#now(),
    };
    this.#store.panels.savePublished(panelId, next);
    this.#logger.info({ panelId, version: next.version }, 'panel config changed');
    const patch = current ? this.#patchMessage(panelId, current, next) : undefined;
    return {
      panelId,
      version: next.version,
      changed: true,
      messages: [...(patch ? [patch] : []), this.#snapshotMessage(panelId, next)],
    };
  }

  /** The fast path: records `diff` as the next version; undefined when the panel has none published yet. */
  addPatch(panelId: string, diff: SnapshotDiff): Outgoing | undefined {
    const base = this.#store.pendingPatches.currentVersion(panelId);
    // Not published(): that parses the whole stored snapshot, on the path that must be fast.
    const epoch = this.#store.panels.epoch(panelId);
    if (base === undefined || epoch === undefined) return undefined;
    this.#store.pendingPatches.add(panelId, base + 1, diff);
    this.#logger.info({ panelId, version: base + 1 }, 'panel config changed (fast path)');
    const message = configPatchMessage.parse({
      protocol: PROTOCOL_VERSION,
      deviceId: panelId,
      epoch,
      hubKeys: this.#hubKeys(),
      baseVersion: base,
      version: base + 1,
      issuedAt: this.#now(),
      ...diff,
    });
    return { topic: deviceTopic(panelId, 'config/patch'), kind: 'patch', body: message, retain: false };
  }

  /**
   * Starts a new epoch for the panel: its next snapshot replaces whatever the panel holds, whatever
   * version that claims (recovery from a poisoned or diverged replica). Returns the messages to send.
   */
  bumpEpoch(panelId: string): Outgoing[] {
    const messages = this.current(panelId);
    const stored = this.#store.panels.published(panelId);
    if (!stored) return messages;
    const bumped = { ...stored, epoch: stored.epoch + 1, publishedAt: this.#now() };
    this.#store.panels.savePublished(panelId, bumped);
    this.#logger.warn({ panelId, epoch: bumped.epoch, version: bumped.version }, 'panel config epoch raised');
    return [this.#snapshotMessage(panelId, bumped)];
  }

  /** The retained snapshot as panels should have it now; recompiles first when patches are pending. */
  current(panelId: string): Outgoing[] {
    const stored = this.#store.panels.published(panelId);
    if (!stored || this.#store.pendingPatches.currentVersion(panelId) !== stored.version) {
      const result = this.recompile(panelId);
      if (result.messages.length > 0) return result.messages;
    }
    const latest = this.#store.panels.published(panelId);
    return latest ? [this.#snapshotMessage(panelId, latest)] : [];
  }

  #patchMessage(panelId: string, previous: PublishedConfig, next: PublishedConfig): Outgoing | undefined {
    // A patch never crosses epochs: a panel in the old epoch gets the new one's snapshot.
    if (previous.epoch !== next.epoch) return undefined;
    const message = configPatchMessage.safeParse({
      protocol: PROTOCOL_VERSION,
      deviceId: panelId,
      epoch: next.epoch,
      hubKeys: this.#hubKeys(),
      baseVersion: previous.version,
      version: next.version,
      issuedAt: next.publishedAt,
      ...diffSnapshots(previous.snapshot, next.snapshot),
    });
    // A patch over the protocol's list limits is skipped: the retained snapshot carries the change anyway.
    if (!message.success) {
      this.#logger.warn(
        { panelId, version: next.version },
        'patch too large for the protocol; snapshot only',
      );
      return undefined;
    }
    return { topic: deviceTopic(panelId, 'config/patch'), kind: 'patch', body: message.data, retain: false };
  }

  #snapshotMessage(panelId: string, config: PublishedConfig): Outgoing {
    return {
      topic: deviceTopic(panelId, 'config/desired'),
      kind: 'snapshot',
      body: {
        protocol: PROTOCOL_VERSION,
        deviceId: panelId,
        epoch: config.epoch,
        hubKeys: this.#hubKeys(),
        version: config.version,
        issuedAt: config.publishedAt,
        data: config.snapshot,
      },
      retain: true,
    };
  }
}

/** What panels were sent: the building data and the hub keys they were told to trust. */
function configHash(snapshot: PublishedConfig['snapshot'], hubKeys: readonly string[]): string {
  return createHash('sha256')
    .update(`${snapshotHash(snapshot)}\n${hubKeys.join(',')}`)
    .digest('hex');
}

function withPending(
  stored: PublishedConfig,
  pending: { version: number; diff: SnapshotDiff }[],
  hubKeys: readonly string[],
): PublishedConfig {
  const snapshot = applyPatches(
    stored.snapshot,
    pending.map((p) => p.diff),
  );
  return {
    version: pending.at(-1)!.version,
    epoch: stored.epoch,
    hash: configHash(snapshot, hubKeys),
    snapshot,
    publishedAt: stored.publishedAt,
  };
}
