/**
 * The page's own clock: the idle timer, the outcome screen and the card feedback count on it, so tests
 * can run them on short timings (page-timings.ts) without touching the browser's timers. Monotonic
 * (performance.now): a wall-clock step at night never fires or stalls a timer.
 */
export interface PageClock {
  now(): number;
  /** Runs `fn` once after `ms`; the returned function cancels it. */
  after(ms: number, fn: () => void): () => void;
}

export const pageClock: PageClock = {
  now: () => performance.now(),
  after: (ms, fn) => {
    const id = setTimeout(fn, ms);
    return () => clearTimeout(id);
  },
};

/** Wall time in ms, as the panel stamps its events (performance.timeOrigin + now). */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}
