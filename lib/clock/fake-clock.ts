import type { Clock, TimerHandle } from './clock.ts';

interface PendingTimer {
  id: number;
  due: number;
  fn: () => void;
}

/** A clock that moves only when told to; timers fire in due order during `advance`. */
export class FakeClock implements Clock {
  #now: number;
  #mono = 0;
  #nextId = 1;
  #timers: PendingTimer[] = [];

  constructor(startEpochMs = Date.UTC(2026, 0, 1)) {
    this.#now = startEpochMs;
  }

  now(): number {
    return this.#now;
  }

  monotonic(): number {
    return this.#mono;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#nextId++;
    this.#timers.push({ id, due: this.#mono + Math.max(0, ms), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    this.#timers = this.#timers.filter((t) => t.id !== handle.id);
  }

  /** Moves time forward, firing every timer that falls due, in order (timers may schedule timers). */
  advance(ms: number): void {
    const target = this.#mono + ms;
    for (;;) {
      const next = this.#earliestDueBy(target);
      if (!next) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now += next.due - this.#mono;
      this.#mono = next.due;
      next.fn();
    }
    this.#now += target - this.#mono;
    this.#mono = target;
  }

  /** Sets wall time without firing timers (for schedule tests across dates and DST changes). */
  setWallTime(epochMs: number): void {
    this.#now = epochMs;
  }

  pendingTimers(): number {
    return this.#timers.length;
  }

  #earliestDueBy(target: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.#timers) {
      if (t.due <= target && (!best || t.due < best.due || (t.due === best.due && t.id < best.id))) best = t;
    }
    return best;
  }
}
