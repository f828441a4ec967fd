import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ConfigError, HardwareError } from '../../lib/errors.ts';
import type { GpioLineRef } from './types.ts';

export const SYSFS_GPIO_ROOT = '/sys/class/gpio';

export interface SysfsChip {
  /** Directory under the sysfs root, named after the base: "gpiochip512". */
  dir: string;
  /** Character-device name ("gpiochip0") from the `device` link, when the kernel provides it. */
  device: string | undefined;
  label: string;
  base: number;
  ngpio: number;
}

/** Reads every gpiochip under `root`; chips whose files cannot be read are left out. */
export function listSysfsChips(root: string = SYSFS_GPIO_ROOT): SysfsChip[] {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch (err) {
    throw new HardwareError(
      `sysfs GPIO is not available at ${root} (kernel without CONFIG_GPIO_SYSFS?); use the gpiod driver`,
      { cause: err },
    );
  }
  const chips: SysfsChip[] = [];
  for (const dir of entries.filter((e) => /^gpiochip\d+$/.test(e)).sort(byNumber)) {
    const chip = readChip(root, dir);
    if (chip) chips.push(chip);
  }
  return chips;
}

/**
 * Finds a chip by label, then by character-device name, then by sysfs directory name. The device name
 * comes before the directory name because configs copied from gpiod tools say "gpiochip0" meaning
 * /dev/gpiochip0, which on kernels >= 6.6 is sysfs gpiochip512.
 */
export function findSysfsChip(chips: readonly SysfsChip[], ref: string): SysfsChip | undefined {
  return (
    chips.find((c) => c.label === ref) ??
    chips.find((c) => c.device === ref) ??
    chips.find((c) => c.dir === ref)
  );
}

/** The global sysfs GPIO number (what `export` takes) for a chip reference and line offset. */
export function resolveSysfsGpio(ref: GpioLineRef, root: string = SYSFS_GPIO_ROOT): number {
  const chips = listSysfsChips(root);
  const chip = findSysfsChip(chips, ref.chip);
  if (!chip) {
    const valid = chips.map(describeChip);
    throw new ConfigError(
      chips.length === 0
        ? `GPIO chip "${ref.chip}" not found: there are no GPIO chips in ${root}`
        : `GPIO chip "${ref.chip}" not found in ${root}; valid chips: ${valid.join(', ')}`,
      valid,
    );
  }
  if (!Number.isInteger(ref.line) || ref.line < 0 || ref.line >= chip.ngpio) {
    throw new ConfigError(
      `GPIO line ${ref.line} is out of range for chip "${ref.chip}" (${describeChip(chip)}): ` +
        `valid lines are 0-${chip.ngpio - 1}`,
    );
  }
  return chip.base + ref.line;
}

export function describeChip(chip: SysfsChip): string {
  const names = chip.device && chip.device !== chip.dir ? `${chip.device}, sysfs ${chip.dir}` : chip.dir;
  return `${chip.label} (${names}, lines 0-${chip.ngpio - 1})`;
}

function readChip(root: string, dir: string): SysfsChip | undefined {
  try {
    const label = readFileSync(join(root, dir, 'label'), 'utf8').trim();
    const base = Number.parseInt(readFileSync(join(root, dir, 'base'), 'utf8'), 10);
    const ngpio = Number.parseInt(readFileSync(join(root, dir, 'ngpio'), 'utf8'), 10);
    if (!Number.isInteger(base) || !Number.isInteger(ngpio)) return undefined;
    return { dir, device: deviceName(join(root, dir)), label, base, ngpio };
  } catch {
    return undefined;
  }
}

function deviceName(chipDir: string): string | undefined {
  try {
    const name = basename(realpathSync(join(chipDir, 'device')));
    return /^gpiochip\d+$/.test(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

function byNumber(a: string, b: string): number {
  return Number(a.slice(8)) - Number(b.slice(8));
}
