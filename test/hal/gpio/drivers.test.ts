import { describe, expect, it } from 'vitest';
import { createGpioDriver, gpioDrivers } from '../../../hal/gpio/drivers.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { ConfigError } from '../../../lib/errors.ts';
import { silentLogger } from '../../../lib/log/logger.ts';

describe('GPIO driver lookup', () => {
  const deps = { clock: new FakeClock(0), logger: silentLogger };

  it('creates each known driver without touching hardware', () => {
    expect(Object.keys(gpioDrivers)).toEqual(['sim', 'onoff', 'gpiod']);
    for (const kind of Object.keys(gpioDrivers)) expect(createGpioDriver(kind, deps).kind).toBe(kind);
  });

  it('names the valid choices for an unknown kind', () => {
    expect(() => createGpioDriver('pigpio', deps)).toThrow(ConfigError);
    expect(() => createGpioDriver('pigpio', deps)).toThrow(
      'unknown GPIO driver "pigpio"; valid choices: sim, onoff, gpiod',
    );
    expect(() => createGpioDriver('toString', deps)).toThrow(ConfigError);
  });
});
