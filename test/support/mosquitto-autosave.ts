/** Waiting for Mosquitto's persistence db to hold a state, before a test SIGKILLs the broker. */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { MosquittoHandle } from '../../scripts/lab/mosquitto.ts';
import { until } from '../../scripts/lab/until.ts';

/**
 * Waits for a db write that began after `since`. A sleep is not enough: autosave runs from the broker's
 * main loop on whole-second clock ticks, so with autosave_interval 1 it came 1 to ~2.5 s later (a 1.5 s
 * sleep failed). A save is synchronous in the single-threaded broker, so one that ends after the hub's
 * PUBACK (taken before `since`) also started after the publish was queued.
 */
export async function waitForAutosaveAfter(broker: MosquittoHandle, since: number): Promise<void> {
  const db = join(broker.dir, 'mosquitto.db');
  await until(() => existsSync(db) && statSync(db).mtimeMs > since, 'a mosquitto autosave', 10_000);
}
