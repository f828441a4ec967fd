/**
 * The screen's backlight through sysfs: `bl_power` 4 (FB_BLANK_POWERDOWN) turns it off, 0 on. This is
 * how the kiosk darkens the screen because Debian 12's cage (0.1.4) offers no output power protocol that
 * a tool such as wlopm could use (cage 0.2, Debian 13, does); the backlight is also what uses the power.
 * The kiosk's user needs write access: deploy/kiosk/90-portvakt-backlight.rules gives it to `video`.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../lib/log/logger.ts';

export const SYSFS_BACKLIGHTS = '/sys/class/backlight';
const FB_BLANK_UNBLANK = '0';
const FB_BLANK_POWERDOWN = '4';

/** What the night blanker darkens. */
export interface Screen {
  setDark(dark: boolean): void;
}

export class Backlight implements Screen {
  readonly dir: string;
  readonly #log: Logger;
  #failing = false;

  constructor(dir: string, log: Logger) {
    this.dir = dir;
    this.#log = log;
  }

  /** The configured backlight, or with "auto" the first one the kernel lists; undefined when none. */
  static find(setting: string, log: Logger, root = SYSFS_BACKLIGHTS): Backlight | undefined {
    if (setting !== 'auto') return new Backlight(setting, log);
    let names: string[];
    try {
      names = readdirSync(root).sort();
    } catch {
      return undefined;
    }
    const first = names[0];
    return first === undefined ? undefined : new Backlight(join(root, first), log);
  }

  setDark(dark: boolean): void {
    try {
      writeFileSync(join(this.dir, 'bl_power'), dark ? FB_BLANK_POWERDOWN : FB_BLANK_UNBLANK);
      if (this.#failing) this.#log.info({ dir: this.dir }, 'the backlight answers again');
      this.#failing = false;
    } catch (err) {
      // Said once, not at every night: the fix is a udev rule or a config key, not a retry.
      if (!this.#failing) {
        this.#log.warn(
          { dir: this.dir, err: String(err) },
          'cannot switch the backlight (see deploy/kiosk/90-portvakt-backlight.rules)',
        );
      }
      this.#failing = true;
    }
  }
}
