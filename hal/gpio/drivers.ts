import type { Clock } from '../../lib/clock/clock.ts';
import { ConfigError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { GpiodGpioDriver, type GpiodGpioOptions } from './gpiod.ts';
import { OnoffGpioDriver, type OnoffGpioOptions } from './onoff.ts';
import { SimGpioDriver } from './sim.ts';
import type { GpioDriver } from './types.ts';

export type GpioDriverKind = 'sim' | 'onoff' | 'gpiod';

/** What every driver needs, plus the options of the hardware drivers (each reads its own). */
export type GpioDriverDeps = { clock: Clock; logger: Logger } & Partial<
  Omit<OnoffGpioOptions, 'clock' | 'logger'> & Omit<GpiodGpioOptions, 'clock' | 'logger'>
>;

export const gpioDrivers: Record<GpioDriverKind, (deps: GpioDriverDeps) => GpioDriver> = {
  sim: ({ clock, logger }) => new SimGpioDriver({ clock, logger: logger.child({ gpio: 'sim' }) }),
  onoff: ({ clock, logger, pollIntervalMs }) =>
    new OnoffGpioDriver({
      clock,
      logger: logger.child({ gpio: 'onoff' }),
      ...(pollIntervalMs === undefined ? {} : { pollIntervalMs }),
    }),
  gpiod: ({ clock, logger, tools, restartDelayMs }) =>
    new GpiodGpioDriver({
      clock,
      logger: logger.child({ gpio: 'gpiod' }),
      ...(tools === undefined ? {} : { tools }),
      ...(restartDelayMs === undefined ? {} : { restartDelayMs }),
    }),
};

export function isGpioDriverKind(kind: string): kind is GpioDriverKind {
  return Object.hasOwn(gpioDrivers, kind);
}

export function createGpioDriver(kind: string, deps: GpioDriverDeps): GpioDriver {
  if (!isGpioDriverKind(kind)) {
    const valid = Object.keys(gpioDrivers);
    throw new ConfigError(`unknown GPIO driver "${kind}"; valid choices: ${valid.join(', ')}`, valid);
  }
  return gpioDrivers[kind](deps);
}
