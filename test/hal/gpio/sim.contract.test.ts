import { describe, expect, it } from 'vitest';
import { SimGpioDriver, type SimRelayState } from '../../../hal/gpio/sim.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { NotFoundError } from '../../../lib/errors.ts';
import { runGpioContract } from './contract.ts';

const CHIP = 'pinctrl-sim';

runGpioContract('sim', async () => {
  const clock = new FakeClock(0);
  const driver = new SimGpioDriver({ clock });
  return {
    driver,
    clock,
    chip: CHIP,
    relayPhysical: (line) =>
      driver.relays().find((r) => r.chip === CHIP && r.line === line)?.physicalHigh ?? false,
    presetInput: (line, high) => driver.setInputLevel(CHIP, line, high),
    setInput: async (line, high) => driver.setInputLevel(CHIP, line, high),
    dispose: async () => driver.close(),
  };
});

describe('SimGpioDriver control API', () => {
  it('reads out relays with their energize count', () => {
    const driver = new SimGpioDriver({ clock: new FakeClock(0) });
    const strike = driver.openRelay('strike', { chip: CHIP, line: 4, activeLow: true });
    strike.setEnergized(true);
    strike.setEnergized(true);
    strike.setEnergized(false);
    strike.setEnergized(true);
    expect(driver.relays()).toEqual([
      {
        name: 'strike',
        chip: CHIP,
        line: 4,
        activeLow: true,
        open: true,
        energized: true,
        physicalHigh: false,
        energizeCount: 2,
      },
    ]);
    driver.close();
    expect(driver.relays()[0]).toMatchObject({ open: false, energized: false, physicalHigh: true });
  });

  it('drives inputs by name and reads them out, debounced', () => {
    const clock = new FakeClock(0);
    const driver = new SimGpioDriver({ clock });
    const rex = driver.openInput('rex', { chip: CHIP, line: 17, activeLow: true, debounceMs: 20 });
    expect(driver.inputs()).toEqual([
      {
        name: 'rex',
        chip: CHIP,
        line: 17,
        activeLow: true,
        debounceMs: 20,
        open: true,
        physicalHigh: true,
        active: false,
      },
    ]);
    driver.setInput('rex', true);
    expect(driver.inputs()[0]).toMatchObject({ physicalHigh: false, active: false });
    clock.advance(20);
    expect(driver.inputs()[0]).toMatchObject({ physicalHigh: false, active: true });
    expect(rex.isActive()).toBe(true);
  });

  it('starts an input at the level the simulator applied before it was opened', () => {
    const driver = new SimGpioDriver({ clock: new FakeClock(0) });
    driver.setInputLevel(CHIP, 5, true);
    expect(
      driver.openInput('door', { chip: CHIP, line: 5, activeLow: false, debounceMs: 50 }).isActive(),
    ).toBe(true);
  });

  it('names the open inputs when setInput gets an unknown name', () => {
    const driver = new SimGpioDriver({ clock: new FakeClock(0) });
    driver.openInput('rex', { chip: CHIP, line: 17, activeLow: false, debounceMs: 0 });
    expect(() => driver.setInput('door', true)).toThrow(NotFoundError);
    expect(() => driver.setInput('door', true)).toThrow(/open inputs: rex/);
  });

  it('publishes relay and input changes for the live view', () => {
    const driver = new SimGpioDriver({ clock: new FakeClock(0) });
    const relays: SimRelayState[] = [];
    const inputs: boolean[] = [];
    driver.on('relay', (r) => relays.push(r));
    driver.on('input', (i) => inputs.push(i.active));
    driver.openRelay('strike', { chip: CHIP, line: 4, activeLow: false }).setEnergized(true);
    driver.openInput('rex', { chip: CHIP, line: 17, activeLow: false, debounceMs: 0 });
    driver.setInput('rex', true);
    expect(relays.map((r) => r.energized)).toEqual([false, true]);
    expect(inputs.at(-1)).toBe(true);
  });
});
