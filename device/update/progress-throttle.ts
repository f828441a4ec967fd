/**
 * Progress as a handful of events: a phase's percent is reported when it first crosses 0, 25, 50, 75 and
 * 100 — at most five rows per phase in the outbox, however many chunks arrive.
 */
const STEPS = [0, 25, 50, 75, 100];

export class ProgressThrottle {
  #last = -1;

  /** The step to report for `percent`, or undefined when its step was reported already. */
  step(percent: number): number | undefined {
    const reached = STEPS.filter((s) => s <= percent).at(-1);
    if (reached === undefined || reached <= this.#last) return undefined;
    this.#last = reached;
    return reached;
  }
}
