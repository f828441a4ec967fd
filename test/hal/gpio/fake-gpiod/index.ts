import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GpiodTools } from '../../../../hal/gpio/gpiod-tools.ts';
import { readIfExists } from './read-if-exists.ts';

export interface FakeChip {
  name: string;
  label: string;
  lines: number;
}

/** A state directory plus wrapper scripts that run fake-gpiod.ts against it, one per tool. */
export class FakeGpiod {
  readonly dir: string;
  readonly tools: GpiodTools;

  constructor(chips: FakeChip[]) {
    this.dir = mkdtempSync(join(tmpdir(), 'fake-gpiod-'));
    writeFileSync(join(this.dir, 'chips.json'), JSON.stringify(chips));
    mkdirSync(join(this.dir, 'lines'));
    const script = join(import.meta.dirname, 'fake-gpiod.ts');
    const tool = (name: string) => {
      const path = join(this.dir, name);
      writeFileSync(
        path,
        `#!/bin/sh\nFAKE_GPIOD_STATE='${this.dir}' exec '${process.execPath}' '${script}' ${name} "$@"\n`,
      );
      chmodSync(path, 0o755);
      return path;
    };
    this.tools = {
      gpioset: tool('gpioset'),
      gpioget: tool('gpioget'),
      gpiomon: tool('gpiomon'),
      gpiodetect: tool('gpiodetect'),
    };
  }

  /** Physical level of a line, as the wire would show it. */
  level(chip: string, line: number): boolean {
    try {
      return readFileSync(this.#path(chip, line, 'value'), 'utf8').trim() === '1';
    } catch {
      return false;
    }
  }

  setLevel(chip: string, line: number, high: boolean): void {
    // In one step (write, then rename), so gpiomon never reads a half-written value as a spurious edge.
    const path = this.#path(chip, line, 'value');
    writeFileSync(`${path}.tmp`, high ? '1' : '0');
    renameSync(`${path}.tmp`, path);
  }

  /** The tool process holding the line requested, if any (a SIGKILLed holder leaves a stale entry). */
  holder(chip: string, line: number): { tool: string; pid: number } | undefined {
    // Read once: the holder may release the line (remove the file) at any moment.
    const entry = readIfExists(this.#path(chip, line, 'holder'));
    if (entry === undefined) return undefined;
    const [tool = '', pid = ''] = entry.split(' ');
    return { tool, pid: Number(pid) };
  }

  /** Every tool invocation so far, one "tool args..." string each. */
  calls(): string[] {
    const path = join(this.dir, 'calls.log');
    return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n') : [];
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  #path(chip: string, line: number, ext: string): string {
    return join(this.dir, 'lines', `${chip}-${line}.${ext}`);
  }
}
