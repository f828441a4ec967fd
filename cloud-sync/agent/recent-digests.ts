/**
 * A bounded memory of message digests (SHA-256), oldest forgotten first: enough to recognise a retained
 * message redelivered on each reconnect, without letting a stream of distinct junk grow memory.
 */
export class RecentDigests {
  readonly #max: number;
  readonly #seen = new Set<string>();

  constructor(max: number) {
    this.#max = max;
  }

  /** False when `payload` was added before (and not yet forgotten). */
  async add(payload: Uint8Array): Promise<boolean> {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(payload)));
    const key = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
    if (this.#seen.has(key)) return false;
    this.#seen.add(key);
    if (this.#seen.size > this.#max) {
      const oldest = this.#seen.values().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
    return true;
  }

  get size(): number {
    return this.#seen.size;
  }
}
