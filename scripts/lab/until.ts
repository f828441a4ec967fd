/**
 * Waiting on a condition across a process or network boundary, where no event says "done": the one
 * polling helper of the tests, the lab fixtures (simulator, benches' labs) and the benches. It lives in
 * scripts/ because those import it too and scripts/ never imports test/.
 *
 * Real time, bounded: a timeout is a safety net that fails with the name of what was awaited, never a
 * measurement (no test asserts how long a wait took). Logic that depends on time runs on fake clocks.
 */

/** What `check` returns while the condition does not hold yet. */
type NotYet = false | 0 | '' | null | undefined;

/**
 * Calls `check` every `intervalMs` until it returns something truthy and resolves with that value
 * (`true` for a plain condition). Rejects after `timeoutMs` with "timed out … waiting for <what>"; an
 * error thrown by `check` rejects at once.
 */
export async function until<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 10_000,
  intervalMs = 25,
): Promise<Exclude<T, NotYet>> {
  const value = await poll(check, timeoutMs, intervalMs);
  if (value === undefined) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  return value;
}

/**
 * Whether `check` holds within `timeoutMs`, without failing: for a test that asserts the state itself
 * afterwards, so that a failure shows its expectation (actual and expected) rather than a timeout.
 */
export async function holdsWithin(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 25,
): Promise<boolean> {
  return (await poll(check, timeoutMs, intervalMs)) !== undefined;
}

async function poll<T>(
  check: () => T | Promise<T>,
  timeoutMs: number,
  intervalMs: number,
): Promise<Exclude<T, NotYet> | undefined> {
  // performance.now(): monotonic, so a wall-clock step cannot end a wait early or stretch it.
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as Exclude<T, NotYet>;
    if (performance.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
