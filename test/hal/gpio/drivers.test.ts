import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../hal/clock/fake-clock.ts';
import { ConfigError } from '../../../hal/errors.ts';
import { createGpioDriver, gpioDrivers } from '../../../hal/gpio/drivers.ts';
import { silentLogger } from '../../../hal/logger.ts';

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
