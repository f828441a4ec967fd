/** The update engines by config name: the one place a driver is picked (as in the HAL's drivers.ts). */
import { join } from 'node:path';
import { ConfigError } from '../../lib/errors.ts';
import type { UpdateConfig } from '../config/update-schema.ts';
import type { UpdateEngine } from './engine.ts';
import { RaucEngine } from './rauc-engine.ts';
import { SimEngine } from './sim-engine.ts';

export interface UpdateEngineDeps {
  /** What the running slot holds, for the sim's first state. */
  runningVersion: string;
}

export const updateEngines: Record<
  UpdateConfig['engine'],
  (c: UpdateConfig, d: UpdateEngineDeps) => UpdateEngine
> = {
  rauc: (c) => new RaucEngine({ keyring: c.keyring, backend: c.backend }),
  sim: (c, d) =>
    new SimEngine({
      keyring: c.keyring,
      stateFile: join(c.dir, 'sim-slots.json'),
      initialVersion: d.runningVersion,
    }),
};

export function createUpdateEngine(config: UpdateConfig, deps: UpdateEngineDeps): UpdateEngine {
  const make = updateEngines[config.engine];
  if (!make) {
    const valid = Object.keys(updateEngines);
    throw new ConfigError(
      `unknown update engine "${config.engine}"; valid choices: ${valid.join(', ')}`,
      valid,
    );
  }
  return make(config, deps);
}
