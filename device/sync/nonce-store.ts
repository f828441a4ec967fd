/**
 * Command nonces in SQLite (sync_nonces), so single use survives a reboot inside a command's window; the
 * horizon (latest expiry pruned) is kept there too, so it survives the reboot as well.
 */
import type { NonceStore } from '../../cloud-sync/agent/ports.ts';
import type { SyncState } from '../store/sync-state.ts';

export class SqliteNonceStore implements NonceStore {
  readonly #sync: SyncState;

  constructor(sync: SyncState) {
    this.#sync = sync;
  }

  has(nonce: string): boolean {
    return this.#sync.hasNonce(nonce);
  }

  remember(nonce: string, expiresAt: number): boolean {
    return this.#sync.addNonce(nonce, expiresAt);
  }

  prune(now: number): void {
    this.#sync.pruneNonces(now);
  }

  horizon(): number {
    return this.#sync.nonceHorizon();
  }

  count(): number {
    return this.#sync.nonceCount();
  }
}
