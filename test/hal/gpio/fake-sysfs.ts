import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SYSFS_GPIO = '/sys/class/gpio';

/** True inside scripts/lab/in-lab-ns.sh, where /sys/class is a private tmpfs; never touch a real sysfs. */
export const inLab = process.env['PORTVAKT_LAB_NS'] === '1' && existsSync(SYSFS_GPIO);

/**
 * A fake gpiochip in the lab's tmpfs /sys/class/gpio, with its lines already exported (onoff cannot export
 * on a plain file tree: nothing answers the write to `export`). Files are plain files, so `value` holds
 * exactly what was last written, which is what the tests read back.
 */
export class FakeSysfsChip {
  readonly base: number;
  readonly label: string;

  constructor(options: { base: number; label: string; ngpio: number; lines: readonly number[] }) {
    this.base = options.base;
    this.label = options.label;
    this.remove();
    const dir = join(SYSFS_GPIO, `gpiochip${options.base}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'label'), `${options.label}\n`);
    writeFileSync(join(dir, 'base'), `${options.base}\n`);
    writeFileSync(join(dir, 'ngpio'), `${options.ngpio}\n`);
    for (const line of options.lines) this.exportLine(line);
  }

  lineDir(line: number): string {
    return join(SYSFS_GPIO, `gpio${this.base + line}`);
  }

  exportLine(
    line: number,
    files: Partial<Record<'value' | 'direction' | 'edge' | 'active_low', string>> = {},
  ): void {
    const dir = this.lineDir(line);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    const all = { value: '0', direction: 'in', edge: 'none', active_low: '0', ...files };
    for (const [name, content] of Object.entries(all)) writeFileSync(join(dir, name), `${content}\n`);
  }

  read(line: number, file: 'value' | 'direction' | 'edge' | 'active_low'): string {
    return readFileSync(join(this.lineDir(line), file), 'utf8').trim();
  }

  /** The level on the wire: sysfs `value` is logical when active_low is 1. */
  physical(line: number): boolean {
    return (this.read(line, 'value') === '1') !== (this.read(line, 'active_low') === '1');
  }

  setPhysical(line: number, high: boolean): void {
    const activeLow = this.read(line, 'active_low') === '1';
    writeFileSync(join(this.lineDir(line), 'value'), high !== activeLow ? '1' : '0');
  }

  remove(): void {
    rmSync(join(SYSFS_GPIO, `gpiochip${this.base}`), { recursive: true, force: true });
    for (let n = this.base; n < this.base + 64; n++)
      rmSync(join(SYSFS_GPIO, `gpio${n}`), { recursive: true, force: true });
  }
}
