/**
 * Command nonces in SQLite (sync_nonces), so single use survives a reboot inside a command's window; the
 * horizon (latest expiry pruned) is kept there too, so it survives the reboot as well.
 *
 * On a storage fault (a full or failing disk) a signed command must still work like a card does, so a
 * nonce that cannot be written is kept in memory instead (the NonceCache bounds how many are alive), and
 * a prune that cannot write leaves the rows for the next one. Single use holds meanwhile; only a reboot
 * while the disk is still full forgets the in-memory nonces, the same window as the held audit events.
 */

import { MemoryNonceStore } from '../../cloud-sync/agent/nonce-cache.ts';
import type { NonceStore } from '../../cloud-sync/agent/ports.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { isStorageFault } from '../store/storage-fault.ts';
import type { SyncState } from '../store/sync-state.ts';

export class SqliteNonceStore implements NonceStore {
  readonly #sync: SyncState;
  readonly #logger: Logger | undefined;
  /** Nonces accepted while the disk took no writes. */
  readonly #held = new MemoryNonceStore();

  constructor(sync: SyncState, logger?: Logger) {
    this.#sync = sync;
    this.#logger = logger;
  }

  has(nonce: string): boolean {
    return this.#held.has(nonce) || this.#sync.hasNonce(nonce);
  }

  remember(nonce: string, expiresAt: number): boolean {
    if (this.#held.has(nonce)) return false;
    try {
      return this.#sync.addNonce(nonce, expiresAt);
    } catch (err) {
      if (!isStorageFault(err)) throw err;
      this.#logger?.warn({ err }, 'command nonce kept in memory: the storage takes no writes');
      return this.#held.remember(nonce, expiresAt);
    }
  }

  prune(now: number): void {
    this.#held.prune(now);
    try {
      this.#sync.pruneNonces(now);
    } catch (err) {
      if (!isStorageFault(err)) throw err;
    }
  }

  horizon(): number {
    return Math.max(this.#held.horizon(), this.#sync.nonceHorizon());
  }

  count(): number {
    return this.#held.count() + this.#sync.nonceCount();
  }
}
