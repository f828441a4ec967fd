import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listSysfsChips, resolveSysfsGpio } from '../../../hal/gpio/sysfs-chip.ts';
import { ConfigError, HardwareError } from '../../../lib/errors.ts';

describe('sysfs chip resolution', () => {
  let root: string;
  let devices: string;

  function chip(base: number, label: string, ngpio: number, device?: string): void {
    const dir = join(root, `gpiochip${base}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'label'), `${label}\n`);
    writeFileSync(join(dir, 'base'), `${base}\n`);
    writeFileSync(join(dir, 'ngpio'), `${ngpio}\n`);
    if (device) {
      mkdirSync(join(devices, device));
      symlinkSync(join(devices, device), join(dir, 'device'));
    }
  }

  beforeEach(() => {
    const tmp = mkdtempSync(join(tmpdir(), 'sysfs-chip-'));
    root = join(tmp, 'gpio');
    devices = join(tmp, 'devices');
    mkdirSync(root);
    mkdirSync(devices);
    writeFileSync(join(root, 'export'), '');
  });
  afterEach(() => rmSync(join(root, '..'), { recursive: true, force: true }));

  it('resolves a Pi 4 on kernel >= 6.6 (lines from 512) by label, device name and sysfs name', () => {
    chip(512, 'pinctrl-bcm2711', 58, 'gpiochip0');
    chip(570, 'raspberrypi-exp-gpio', 8, 'gpiochip1');
    expect(resolveSysfsGpio({ chip: 'pinctrl-bcm2711', line: 17 }, root)).toBe(529);
    expect(resolveSysfsGpio({ chip: 'gpiochip0', line: 17 }, root)).toBe(529);
    expect(resolveSysfsGpio({ chip: 'gpiochip512', line: 17 }, root)).toBe(529);
    expect(resolveSysfsGpio({ chip: 'gpiochip1', line: 2 }, root)).toBe(572);
  });

  it('resolves a Pi 5 rp1 chip that does not start at 512', () => {
    chip(512, 'gpio-brcmstb@107d508500', 32);
    chip(571, 'pinctrl-rp1', 54);
    expect(resolveSysfsGpio({ chip: 'pinctrl-rp1', line: 4 }, root)).toBe(575);
  });

  it('resolves an old kernel where the chip starts at 0', () => {
    chip(0, 'pinctrl-bcm2835', 54);
    expect(resolveSysfsGpio({ chip: 'gpiochip0', line: 4 }, root)).toBe(4);
    expect(listSysfsChips(root)).toEqual([
      { dir: 'gpiochip0', device: undefined, label: 'pinctrl-bcm2835', base: 0, ngpio: 54 },
    ]);
  });

  it('names the valid chips and their line ranges for an unknown chip', () => {
    chip(512, 'pinctrl-bcm2711', 58, 'gpiochip0');
    chip(570, 'raspberrypi-exp-gpio', 8);
    const resolve = () => resolveSysfsGpio({ chip: 'pinctrl-rp1', line: 4 }, root);
    expect(resolve).toThrow(ConfigError);
    expect(resolve).toThrow(
      'GPIO chip "pinctrl-rp1" not found in ' +
        `${root}; valid chips: pinctrl-bcm2711 (gpiochip0, sysfs gpiochip512, lines 0-57), ` +
        'raspberrypi-exp-gpio (gpiochip570, lines 0-7)',
    );
  });

  it('names the line range for an offset outside the chip', () => {
    chip(512, 'pinctrl-bcm2711', 58);
    expect(() => resolveSysfsGpio({ chip: 'pinctrl-bcm2711', line: 58 }, root)).toThrow(
      /line 58 is out of range .*valid lines are 0-57/,
    );
    expect(() => resolveSysfsGpio({ chip: 'pinctrl-bcm2711', line: -1 }, root)).toThrow(ConfigError);
  });

  it('says so when there are no chips, and when sysfs GPIO is missing altogether', () => {
    expect(() => resolveSysfsGpio({ chip: 'gpiochip0', line: 0 }, root)).toThrow(/no GPIO chips/);
    expect(() => resolveSysfsGpio({ chip: 'gpiochip0', line: 0 }, join(root, 'nope'))).toThrow(HardwareError);
    expect(() => listSysfsChips(join(root, 'nope'))).toThrow(/use the gpiod driver/);
  });

  it('skips chips whose files cannot be read', () => {
    chip(512, 'pinctrl-bcm2711', 58);
    mkdirSync(join(root, 'gpiochip600'));
    expect(listSysfsChips(root).map((c) => c.dir)).toEqual(['gpiochip512']);
  });
});
