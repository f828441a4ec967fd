/**
 * A typed event emitter whose listeners cannot crash each other or the emitter: a listener that throws
 * (or returns a rejected promise) is reported to `onListenerError` and the remaining listeners still run.
 * Used by HAL drivers and by device/'s event bus.
 */
export type EventMap = { [event: string]: unknown };
export type Listener<T> = (payload: T) => unknown;

export class SafeEmitter<E extends EventMap> {
  readonly #listeners = new Map<keyof E, Set<Listener<never>>>();
  readonly #onListenerError: (event: string, err: unknown) => void;

  constructor(onListenerError: (event: string, err: unknown) => void = defaultListenerError) {
    this.#onListenerError = onListenerError;
  }

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => this.off(event, listener);
  }

  once<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    const off = this.on(event, (payload) => {
      off();
      return listener(payload);
    });
    return off;
  }

  off<K extends keyof E>(event: K, listener: Listener<E[K]>): void {
    this.#listeners.get(event)?.delete(listener as Listener<never>);
  }

  emit<K extends keyof E>(event: K, payload: E[K]): void {
    const set = this.#listeners.get(event);
    if (!set || set.size === 0) return;
    for (const listener of [...set]) {
      try {
        const result = (listener as Listener<E[K]>)(payload);
        if (result instanceof Promise) {
          result.catch((err: unknown) => this.#onListenerError(String(event), err));
        }
      } catch (err) {
        this.#onListenerError(String(event), err);
      }
    }
  }

  listenerCount(event: keyof E): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }
}

function defaultListenerError(event: string, err: unknown): void {
  process.emitWarning(`listener for "${event}" threw: ${err instanceof Error ? err.stack : String(err)}`);
}
