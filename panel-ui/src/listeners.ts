/** A list of listeners for one kind of change; one failing listener never stops the others. */
export class Listeners<T> {
  readonly #all = new Set<(value: T) => void>();

  /** Returns the function that removes the listener. */
  on(listener: (value: T) => void): () => void {
    this.#all.add(listener);
    return () => this.#all.delete(listener);
  }

  emit(value: T): void {
    for (const listener of this.#all) {
      try {
        listener(value);
      } catch (err) {
        console.error('panel page listener failed', err);
      }
    }
  }
}
