/**
 * The hub keys the panel trusts, for config and commands alike. It starts from the key in its config file
 * (the provisioning anchor) and from then on follows the key set each verified config names, kept in the
 * panel's store: that is how a hub key rotation reaches panels (hub/signer/rotation.ts) — a new key is
 * only ever learned from a message signed by a key already trusted.
 */
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { importPublicKey, type SigningKey } from '../protocol/signing.ts';
import type { HubKeyStore } from './ports.ts';

export class TrustedKeys {
  readonly #store: HubKeyStore;
  readonly #logger: Logger;
  #texts: readonly string[];
  #keys: readonly SigningKey[];

  private constructor(
    store: HubKeyStore,
    logger: Logger,
    texts: readonly string[],
    keys: readonly SigningKey[],
  ) {
    this.#store = store;
    this.#logger = logger;
    this.#texts = texts;
    this.#keys = keys;
  }

  /** The learned set from the store, else `anchor` (throws when the anchor is not a key). */
  static async open(anchor: string, store: HubKeyStore, logger: Logger): Promise<TrustedKeys> {
    const learned = store.load();
    if (learned && learned.length > 0) {
      try {
        return new TrustedKeys(
          store,
          logger,
          learned,
          await Promise.all(learned.map((k) => importPublicKey(k))),
        );
      } catch (err) {
        logger.error({ err: errorMessage(err) }, 'stored hub keys unreadable; trusting the configured key');
      }
    }
    return new TrustedKeys(store, logger, [anchor], [await importPublicKey(anchor)]);
  }

  keys(): readonly SigningKey[] {
    return this.#keys;
  }

  texts(): readonly string[] {
    return this.#texts;
  }

  /** Trusts exactly `texts` from now on (they came in a verified config); persisted first. */
  async adopt(texts: readonly string[]): Promise<void> {
    if (sameSet(texts, this.#texts)) return;
    const keys = await Promise.all(texts.map((k) => importPublicKey(k)));
    this.#store.save([...texts]);
    this.#logger.warn({ from: this.#texts, to: texts }, 'trusted hub keys changed (key rotation)');
    this.#texts = [...texts];
    this.#keys = keys;
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((k) => b.includes(k));
}
