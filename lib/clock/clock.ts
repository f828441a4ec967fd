/**
 * Time as the runtime sees it. Pulses, alarms, debouncing, rate limits and schedules all take a Clock,
 * so tests drive them with FakeClock instead of waiting.
 */
export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Milliseconds since the Unix epoch (wall time: schedules, audit timestamps). */
  now(): number;
  /** Monotonic milliseconds (durations: pulses, debouncing, latency). */
  monotonic(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

export class SystemClock implements Clock {
  #nextId = 1;
  readonly #timers = new Map<number, NodeJS.Timeout>();

  now(): number {
    return Date.now();
  }

  monotonic(): number {
    return performance.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#nextId++;
    const timer = setTimeout(() => {
      this.#timers.delete(id);
      fn();
    }, ms);
    this.#timers.set(id, timer);
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const timer = this.#timers.get(handle.id);
    if (timer) clearTimeout(timer);
    this.#timers.delete(handle.id);
  }
}
