/**
 * Rotating the hub's signing key without touching a panel, in two steps:
 *
 * 1. `begin`: a next key is generated and stored beside the current one. The hub still signs with the
 *    current key, but every config it sends now names both keys as trusted, so each panel learns the next
 *    key from a message signed by a key it already trusts (and keeps it in its store).
 * 2. `finish`, once every panel has applied a config from step 1: the next key becomes the only one. The
 *    hub signs config and commands with it, and its configs name only it, so panels drop the old key: a
 *    config or command signed with the old key is refused from then on.
 *
 * `finish` refuses while a panel has not applied its latest config (it would not know the new key and
 * would refuse everything from then on), unless forced.
 */
import { chmodSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PortvaktError } from '../../../lib/errors.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import { exportPublicKey, generateSigningKeys } from '../../protocol/signing.ts';
import type { HubStore } from '../store/hub-store.ts';
import { exportKeyPair, type HubKeys, KEY_FILE, type KeyPair, keyFileText } from './keys.ts';

export interface RotationStatus {
  current: string;
  next: string | null;
}

export class KeyRotation {
  readonly #dataDir: string;
  readonly #keys: HubKeys;
  readonly #store: HubStore;
  readonly #logger: Logger;
  readonly #onChange: () => void;

  /** `onChange` republishes every panel's config with the new trusted keys. */
  constructor(options: {
    dataDir: string;
    keys: HubKeys;
    store: HubStore;
    logger: Logger;
    onChange: () => void;
  }) {
    this.#dataDir = options.dataDir;
    this.#keys = options.keys;
    this.#store = options.store;
    this.#logger = options.logger.child({ component: 'key-rotation' });
    this.#onChange = options.onChange;
  }

  status(): RotationStatus {
    return { current: this.#keys.publicKeyText, next: this.#keys.next?.publicKeyText ?? null };
  }

  async begin(): Promise<RotationStatus> {
    if (this.#keys.next) throw new PortvaktError('conflict', 'a key rotation is already under way');
    const pair = await generateSigningKeys();
    const next = { ...pair, publicKeyText: await exportPublicKey(pair.publicKey) };
    await this.#save({ current: this.#keys, next });
    this.#keys.next = next;
    this.#logger.warn({ next: next.publicKeyText }, 'key rotation begun: panels now learn the next key');
    this.#onChange();
    return this.status();
  }

  async finish(options: { force?: boolean } = {}): Promise<RotationStatus & { behind: string[] }> {
    const next = this.#keys.next;
    if (!next) throw new PortvaktError('conflict', 'no key rotation is under way');
    const behind = this.#panelsBehind();
    if (behind.length > 0 && !options.force)
      throw new PortvaktError(
        'conflict',
        `panels not yet in step with the next key (they would refuse the hub): ${behind.join(', ')}`,
      );
    await this.#save({ current: next });
    this.#keys.privateKey = next.privateKey;
    this.#keys.publicKey = next.publicKey;
    this.#keys.publicKeyText = next.publicKeyText;
    this.#keys.next = undefined;
    this.#logger.warn(
      { current: next.publicKeyText, behind },
      'key rotation finished: the old key is dropped',
    );
    this.#onChange();
    return { ...this.status(), behind };
  }

  /** Panels whose reported config is older than the one the hub published for them. */
  #panelsBehind(): string[] {
    return this.#store.panels.publishedIds().filter((id) => {
      const { config } = this.#store.panels.view(id);
      return config.publishedVersion !== null && (config.reportedVersion ?? 0) < config.publishedVersion;
    });
  }

  async #save(keys: { current: KeyPair; next?: KeyPair }): Promise<void> {
    const text = keyFileText({
      current: await exportKeyPair(keys.current),
      ...(keys.next ? { next: await exportKeyPair(keys.next) } : {}),
    });
    // Written aside, then renamed: a crash leaves the old file or the new one, never half of one.
    const path = join(this.#dataDir, KEY_FILE);
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, text, { mode: 0o600 });
    chmodSync(tmp, 0o600); // a leftover tmp from a crash keeps its mode otherwise
    renameSync(tmp, path);
  }
}
