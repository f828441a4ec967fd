/**
 * What a factory reset erases (ETSI EN 303 645 provision 5.11): everything the panel itself wrote to its
 * data folder — the database with its WAL (residents, cards, bells, rules, the audit log, learned hub
 * signing keys, nonces), the installer PIN's override and backoff, the provisioned config pairing wrote,
 * the prompt cache. panel.yaml is the operator's file: its wiring and the installer PIN's hash stay, its
 * credentials go (config-secrets.ts, done by the CLI before the restart, as only it knows the file).
 * Whoever adds a file to the data folder adds it here.
 *
 * Deleting files is what the panel can do; flash storage may keep old blocks until they are reused, so
 * full-disk encryption is the answer for a panel that leaves the building.
 */

import { rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { PROVISIONED_FILE } from '../config/layered.ts';
import { BACKOFF_FILE } from './pin-backoff.ts';
import { PIN_OVERRIDE_FILE } from './pin-source.ts';

/** The provisioned config that pairing with the hub writes (config/layered.ts). */
export const PROVISIONED_CONFIG_FILE = PROVISIONED_FILE;

/** Paths a factory reset removes, for the database at `storePath` (its folder is the data folder). */
export function factoryResetPaths(storePath: string): string[] {
  const dataDir = dirname(storePath);
  const db = basename(storePath);
  return [
    ...['', '-wal', '-shm', '-journal', '.reserve'].map((suffix) => join(dataDir, `${db}${suffix}`)),
    join(dataDir, PIN_OVERRIDE_FILE),
    join(dataDir, `${PIN_OVERRIDE_FILE}.tmp`),
    join(dataDir, BACKOFF_FILE),
    join(dataDir, `${BACKOFF_FILE}.tmp`),
    join(dataDir, PROVISIONED_CONFIG_FILE),
    join(dataDir, 'prompts'),
  ];
}

/** Removes them (the store must be closed first); resolves with those that could not be removed. */
export async function eraseDataFiles(storePath: string): Promise<string[]> {
  const failed: string[] = [];
  for (const path of factoryResetPaths(storePath)) {
    try {
      await rm(path, { recursive: true, force: true });
    } catch {
      failed.push(path);
    }
  }
  return failed;
}

/**
 * The reset, in its safe order: every relay locked first (as at start), one line in the log (the store is
 * what gets erased), then everything but the doors stops — the exit buttons keep working, they never
 * need storage — the store is closed and the data folder's files removed, and the panel stops for its
 * restart.
 */
export async function factoryReset(steps: {
  panelId: string;
  storePath: string;
  lockAll: () => void;
  stopAllButDoors: () => Promise<void>;
  closeStore: () => void;
  stopAll: () => Promise<void>;
  logger: Logger;
}): Promise<void> {
  const { logger } = steps;
  try {
    steps.lockAll();
  } catch (err) {
    logger.error({ err: errorMessage(err) }, 'factory reset: a relay did not lock');
  }
  logger.warn(
    { event: 'installer.factory_reset', panelId: steps.panelId },
    'factory reset by the installer: relays locked; erasing residents, cards, keys and secrets, then restarting',
  );
  await steps.stopAllButDoors();
  steps.closeStore();
  const failed = await eraseDataFiles(steps.storePath);
  if (failed.length > 0) logger.error({ failed }, 'factory reset: some files could not be removed');
  await steps.stopAll();
  logger.warn(
    { event: 'installer.factory_reset', erased: failed.length === 0 },
    'factory reset done; restarting',
  );
}
