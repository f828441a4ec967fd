/**
 * The database side of publishing: deciding each panel's next config version and what to send for it,
 * inside the caller's transaction (an admin write, or the publisher's own IMMEDIATE one), so a version is
 * recorded exactly when its messages are sent after the commit. Nothing here talks to the broker.
 */
import type { Logger } from '../../../lib/log/logger.ts';
import { configPatchMessage } from '../../protocol/messages.ts';
import { deviceTopic, PROTOCOL_VERSION } from '../../protocol/topics.ts';
import type { HubStore } from '../store/hub-store.ts';
import type { PublishedConfig } from '../store/panel-status.ts';
import { applyPatches } from './apply-patch.ts';
import { compilePanelSnapshot, snapshotHash } from './compile.ts';
import { diffSnapshots, type SnapshotDiff } from './diff.ts';

export interface Outgoing {
  topic: string;
  payload: unknown;
  retain: boolean;
}

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

  constructor(store: HubStore, logger: Logger, now: () => number) {
    this.#store = store;
    this.#logger = logger;
    this.#now = now;
  }

  /**
   * Compiles the panel's snapshot; when it differs from what panels were sent (the stored snapshot plus
   * pending fast-path patches), records the next version and returns its patch and retained snapshot.
   * Pending patches that the compile confirms are folded in at their own version (snapshot only).
   */
  recompile(panelId: string): RecompileResult {
    const stored = this.#store.panels.published(panelId);
    const pending = this.#store.pendingPatches.list(panelId);
    const current = stored && pending.length > 0 ? withPending(stored, pending) : stored;
    const snapshot = compilePanelSnapshot(this.#store, panelId);
    const hash = snapshotHash(snapshot);
    this.#store.pendingPatches.clear(panelId);
    if (current?.hash === hash) {
      if (pending.length === 0) return { panelId, version: current.version, changed: false, messages: [] };
      const folded = { ...current, publishedAt: this.#now() };
      this.#store.panels.savePublished(panelId, folded);
      return {
        panelId,
        version: folded.version,
        changed: false,
        messages: [snapshotMessage(panelId, folded)],
      };
    }
    const next: PublishedConfig = {
      version: (current?.version ?? 0) + 1,
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
      messages: [...(patch ? [patch] : []), snapshotMessage(panelId, next)],
    };
  }

  /** The fast path: records `diff` as the next version; undefined when the panel has none published yet. */
  addPatch(panelId: string, diff: SnapshotDiff): Outgoing | undefined {
    const base = this.#store.pendingPatches.currentVersion(panelId);
    if (base === undefined) return undefined;
    this.#store.pendingPatches.add(panelId, base + 1, diff);
    this.#logger.info({ panelId, version: base + 1 }, 'panel config changed (fast path)');
    const message = configPatchMessage.parse({
      protocol: PROTOCOL_VERSION,
      baseVersion: base,
      version: base + 1,
      issuedAt: this.#now(),
      ...diff,
    });
    return { topic: deviceTopic(panelId, 'config/patch'), payload: message, retain: false };
  }

  /** The retained snapshot as panels should have it now; recompiles first when patches are pending. */
  current(panelId: string): Outgoing[] {
    const stored = this.#store.panels.published(panelId);
    if (!stored || this.#store.pendingPatches.currentVersion(panelId) !== stored.version) {
      const result = this.recompile(panelId);
      if (result.messages.length > 0) return result.messages;
    }
    const latest = this.#store.panels.published(panelId);
    return latest ? [snapshotMessage(panelId, latest)] : [];
  }

  #patchMessage(panelId: string, previous: PublishedConfig, next: PublishedConfig): Outgoing | undefined {
    const message = configPatchMessage.safeParse({
      protocol: PROTOCOL_VERSION,
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
    return { topic: deviceTopic(panelId, 'config/patch'), payload: message.data, retain: false };
  }
}

function withPending(
  stored: PublishedConfig,
  pending: { version: number; diff: SnapshotDiff }[],
): PublishedConfig {
  const snapshot = applyPatches(
    stored.snapshot,
    pending.map((p) => p.diff),
  );
  return {
    version: pending.at(-1)!.version,
    hash: snapshotHash(snapshot),
    snapshot,
    publishedAt: stored.publishedAt,
  };
}

function snapshotMessage(panelId: string, config: PublishedConfig): Outgoing {
  return {
    topic: deviceTopic(panelId, 'config/desired'),
    payload: {
      protocol: PROTOCOL_VERSION,
      version: config.version,
      issuedAt: config.publishedAt,
      data: config.snapshot,
    },
    retain: true,
  };
}
