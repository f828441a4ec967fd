/**
 * How long the page waits before it goes home, shows a call's outcome, shows card feedback. The defaults
 * are the product's; a test (or an installer trying the screen) shortens them in the page's URL, e.g.
 * `/panel/?idleMs=3000&outcomeMs=1000`. Values outside the bounds are ignored: a typo cannot leave the
 * panel stuck on a screen or flickering.
 */
export interface PageTimings {
  /** Without a touch on a screen that is not a call: back home, the visitor's choices reset. */
  idleMs: number;
  /** A call's outcome ("Nobody answered", "Door opened") stays this long, then home. */
  outcomeMs: number;
  /** Card feedback ("Card not accepted") stays this long over the screen. */
  cardMs: number;
}

const BOUNDS: Record<keyof PageTimings, { fallback: number; min: number; max: number }> = {
  idleMs: { fallback: 50_000, min: 500, max: 600_000 },
  outcomeMs: { fallback: 8_000, min: 300, max: 60_000 },
  cardMs: { fallback: 4_000, min: 300, max: 30_000 },
};

export function pageTimings(search: string): PageTimings {
  const query = new URLSearchParams(search);
  const pick = (key: keyof PageTimings): number => {
    const { fallback, min, max } = BOUNDS[key];
    const raw = query.get(key);
    if (raw === null || !/^\d{1,7}$/.test(raw)) return fallback;
    const value = Number(raw);
    return value >= min && value <= max ? value : fallback;
  };
  return { idleMs: pick('idleMs'), outcomeMs: pick('outcomeMs'), cardMs: pick('cardMs') };
}
