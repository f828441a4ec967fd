/**
 * Wires updates into the panel. The updater exists from construction (cloud sync hands it update
 * commands); the module, started after the doors, the API and sync, is the health gate: when it runs the
 * panel is started, its store open and its relays claimed, so an installed update's trial boot is
 * confirmed (or its rollback reported) there. A panel that never gets this far is rolled back by the
 * guard (deploy/systemd/portvakt-update-guard.*).
 */
import { readFile } from 'node:fs/promises';
import type { Clock } from '../../lib/clock/clock.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AuditLog } from '../audit/types.ts';
import type { UpdateConfig } from '../config/update-schema.ts';
import { softwareVersion } from '../installer/system-facts.ts';
import type { Module } from '../wiring/modules.ts';
import { createUpdateEngine } from './drivers.ts';
import { Updater } from './updater.ts';

/** Written by the image build: the release version (package version + build id) of this root. */
export const IMAGE_VERSION_FILE = '/etc/portvakt/version';

export interface UpdateModuleDeps {
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /** True while a call is in progress: the reboot waits for it. */
  busy: () => boolean;
}

export interface UpdateWiring {
  updater: Updater;
  module: Module;
}

/** Undefined for a panel without an `update` section. */
export async function createUpdateModule(
  config: UpdateConfig | undefined,
  deps: UpdateModuleDeps,
): Promise<UpdateWiring | undefined> {
  if (!config) return undefined;
  const runningVersion = await imageVersion();
  const updater = new Updater({
    engine: createUpdateEngine(config, { runningVersion }),
    dir: config.dir,
    runningVersion,
    audit: deps.audit,
    clock: deps.clock,
    logger: deps.logger,
    busy: deps.busy,
  });
  return {
    updater,
    module: {
      name: 'update',
      critical: false,
      start: () => void updater.confirmAfterBoot(),
      stop: () => updater.idle(),
    },
  };
}

async function imageVersion(): Promise<string> {
  const fromImage = await readFile(IMAGE_VERSION_FILE, 'utf8').then(
    (text) => text.trim(),
    () => '',
  );
  return fromImage || (await softwareVersion()).version;
}
