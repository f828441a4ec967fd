import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OnoffGpioDriver } from '../../../hal/gpio/onoff.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { ConfigError } from '../../../lib/errors.ts';
import { runGpioContract } from './contract.ts';
import { FakeSysfsChip, inLab, SYSFS_GPIO } from './fake-sysfs.ts';
import { recordingLogger } from './recording-logger.ts';

// Files touching /sys/class/gpio run in parallel in one lab namespace: bases 512 and 600 belong to this file.
const LINES = Array.from({ length: 32 }, (_, i) => i);

function contractFor(chipRef: (chip: FakeSysfsChip) => string, base: number, label: string) {
  return async () => {
    const chip = new FakeSysfsChip({ base, label, ngpio: 54, lines: LINES });
    const clock = new FakeClock(0);
    const driver = new OnoffGpioDriver({ clock, pollIntervalMs: 1 });
    return {
      driver,
      clock,
      chip: chipRef(chip),
      relayPhysical: (line: number) => chip.physical(line),
      presetInput: (line: number, high: boolean) => chip.setPhysical(line, high),
      setInput: async (line: number, high: boolean) => {
        chip.setPhysical(line, high);
        clock.advance(1); // the poll that samples it
      },
      dispose: async () => {
        driver.close();
        chip.remove();
      },
    };
  };
}

if (inLab) {
  // Pi 5 on kernel >= 6.6: the first chip's lines start at 512.
  runGpioContract(
    'onoff, Pi 5 style chip at base 512, by label',
    contractFor((c) => c.label, 512, 'pinctrl-rp1'),
  );
  runGpioContract(
    'onoff, chip by sysfs name',
    contractFor((c) => `gpiochip${c.base}`, 600, 'pinctrl-bcm2711'),
  );
}

describe.skipIf(!inLab)('OnoffGpioDriver on a fake sysfs', () => {
  let chip: FakeSysfsChip;
  let driver: OnoffGpioDriver;
  const clock = new FakeClock(0);
  const logger = recordingLogger();

  function setup(): void {
    chip = new FakeSysfsChip({ base: 512, label: 'pinctrl-rp1', ngpio: 54, lines: [4, 5, 17, 27] });
    logger.entries.length = 0;
    driver = new OnoffGpioDriver({ clock, logger });
  }
  afterEach(() => {
    driver.close();
    chip.remove();
  });

  it('brings a relay up de-energized although the line was left energized (crash during a pulse)', () => {
    setup();
    chip.exportLine(4, { value: '1', direction: 'out', active_low: '1' });
    chip.exportLine(5, { value: '0', direction: 'out' });
    const strike = driver.openRelay('strike', { chip: 'pinctrl-rp1', line: 4, activeLow: false });
    const maglock = driver.openRelay('maglock', { chip: 'pinctrl-rp1', line: 5, activeLow: true });
    // active_low is reset first, then direction 'low'/'high' drives the physical level in the same write.
    expect([chip.read(4, 'active_low'), chip.read(4, 'direction'), chip.read(4, 'value')]).toEqual([
      '0',
      'low',
      '0',
    ]);
    expect([chip.read(5, 'active_low'), chip.read(5, 'direction'), chip.read(5, 'value')]).toEqual([
      '0',
      'high',
      '1',
    ]);
    expect(strike.isEnergized()).toBe(false);
    expect(maglock.isEnergized()).toBe(false);
  });

  it('polls inputs when interrupts are unavailable, warning once', () => {
    setup();
    const rex = driver.openInput('rex', { chip: 'pinctrl-rp1', line: 17, activeLow: false, debounceMs: 0 });
    driver.openInput('door', { chip: 'gpiochip512', line: 27, activeLow: false, debounceMs: 0 });
    expect(logger.warnings().map((w) => w.msg)).toEqual([
      'GPIO interrupts are not available; polling inputs instead',
    ]);
    expect(chip.read(17, 'edge')).toBe('both');
    chip.setPhysical(17, true);
    clock.advance(9);
    expect(rex.isActive()).toBe(false);
    clock.advance(1);
    expect(rex.isActive()).toBe(true);
  });

  it('polls an input whose line has no edge file', () => {
    setup();
    rmSync(join(chip.lineDir(17), 'edge'));
    const rex = driver.openInput('rex', { chip: 'pinctrl-rp1', line: 17, activeLow: true, debounceMs: 0 });
    expect(rex.isActive()).toBe(true);
    chip.setPhysical(17, true);
    clock.advance(10);
    expect(rex.isActive()).toBe(false);
  });

  it('does not unexport lines that were exported before it opened them', () => {
    setup();
    rmSync(join(SYSFS_GPIO, 'unexport'), { force: true });
    driver.openRelay('strike', { chip: 'pinctrl-rp1', line: 4, activeLow: false }).setEnergized(true);
    driver.openInput('rex', { chip: 'pinctrl-rp1', line: 17, activeLow: false, debounceMs: 0 });
    driver.close();
    expect(existsSync(join(SYSFS_GPIO, 'unexport'))).toBe(false);
    expect(existsSync(chip.lineDir(4))).toBe(true);
    expect(chip.read(4, 'value')).toBe('0');
    expect(clock.pendingTimers()).toBe(0);
  });

  it('rejects an unknown chip, naming the valid ones', () => {
    setup();
    expect(() => driver.openRelay('strike', { chip: 'pinctrl-bcm2711', line: 4, activeLow: false })).toThrow(
      ConfigError,
    );
    expect(() => driver.openRelay('strike', { chip: 'pinctrl-bcm2711', line: 4, activeLow: false })).toThrow(
      /valid chips: .*pinctrl-rp1 \(gpiochip512, lines 0-53\)/,
    );
  });
});
