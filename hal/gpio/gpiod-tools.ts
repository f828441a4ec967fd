import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ConfigError, errorMessage, HardwareError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { GpioLineRef } from './types.ts';

/** Paths of the libgpiod v1 command-line tools; bare names are looked up on PATH. */
export interface GpiodTools {
  gpioset: string;
  gpioget: string;
  gpiomon: string;
  gpiodetect: string;
}

export const defaultGpiodTools: GpiodTools = {
  gpioset: 'gpioset',
  gpioget: 'gpioget',
  gpiomon: 'gpiomon',
  gpiodetect: 'gpiodetect',
};

export interface GpiodChip {
  name: string;
  label: string;
  lines: number;
}

/** Parses `gpiodetect` output: "gpiochip0 [pinctrl-bcm2711] (58 lines)". */
export function parseGpiodetect(stdout: string): GpiodChip[] {
  const chips: GpiodChip[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^(\S+) \[(.*)\] \((\d+) lines?\)/.exec(line.trim());
    if (m) chips.push({ name: m[1]!, label: m[2]!, lines: Number(m[3]) });
  }
  return chips;
}

/** Parses one line of gpiomon's default output: "event:  RISING EDGE offset: 17 timestamp: [...]". */
export function parseGpiomonLine(line: string): { offset: number; rising: boolean } | undefined {
  const m = /^event:\s+(RISING|FALLING) EDGE offset:\s*(\d+)/.exec(line.trim());
  return m ? { offset: Number(m[2]), rising: m[1] === 'RISING' } : undefined;
}

/** Finds the chip by label or name and checks the offset, naming the valid choices when it fails. */
export function findGpiodChip(chips: readonly GpiodChip[], ref: GpioLineRef): GpiodChip {
  const chip = chips.find((c) => c.label === ref.chip) ?? chips.find((c) => c.name === ref.chip);
  const describe = (c: GpiodChip) => `${c.label} (${c.name}, lines 0-${c.lines - 1})`;
  if (!chip) {
    const valid = chips.map(describe);
    throw new ConfigError(
      `GPIO chip "${ref.chip}" not found; valid chips: ${valid.join(', ') || 'none (no /dev/gpiochip*)'}`,
      valid,
    );
  }
  if (!Number.isInteger(ref.line) || ref.line < 0 || ref.line >= chip.lines) {
    throw new ConfigError(
      `GPIO line ${ref.line} is out of range for chip "${ref.chip}" (${describe(chip)}): ` +
        `valid lines are 0-${chip.lines - 1}`,
    );
  }
  return chip;
}

/** Runs a short-lived tool and returns its stdout; failures carry the tool's stderr. */
export function runToolSync(path: string, args: readonly string[]): string {
  try {
    return execFileSync(path, args, { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    throw toolError(path, args, err);
  }
}

export function toolError(path: string, args: readonly string[], err: unknown): HardwareError {
  const e = err as NodeJS.ErrnoException & { stderr?: string };
  if (e?.code === 'ENOENT') {
    return new HardwareError(
      `${path} not found (install the Debian package "gpiod" or set the tool path in the gpiod options)`,
      { cause: err },
    );
  }
  const stderr = typeof e?.stderr === 'string' && e.stderr.trim() ? `: ${e.stderr.trim()}` : '';
  return new HardwareError(`${path} ${args.join(' ')} failed${stderr || `: ${errorMessage(err)}`}`, {
    cause: err,
  });
}

export interface SpawnToolOptions {
  logger: Logger;
  stdin: 'pipe' | 'ignore';
  onStdoutLine?: (line: string) => void;
  /** Called exactly once, when the process has gone (or could not be started: `error` is set). */
  onExit: (result: { code: number | null; signal: string | null; stderr: string; error?: Error }) => void;
}

/**
 * Children of one driver. Every child is killed when Node exits normally, so a restart of the runtime never
 * finds its own lines still held (EBUSY) by an orphaned tool.
 */
export class ToolChildren {
  readonly #children = new Set<ChildProcess>();
  readonly #idle: Array<() => void> = [];
  readonly #killAll = () => {
    for (const child of this.#children) child.kill('SIGKILL');
  };

  spawn(path: string, args: readonly string[], options: SpawnToolOptions): ChildProcess {
    const child = spawn(path, args, { stdio: [options.stdin, 'pipe', 'pipe'] });
    if (this.#children.size === 0) process.on('exit', this.#killAll);
    this.#children.add(child);
    const log = options.logger.child({ tool: path, pid: child.pid });
    let stderr = '';
    createInterface({ input: child.stderr! }).on('line', (line) => {
      stderr = `${stderr}${line}\n`.slice(-2000);
      log.warn({ stderr: line }, 'gpiod tool wrote to stderr');
    });
    if (options.onStdoutLine) createInterface({ input: child.stdout! }).on('line', options.onStdoutLine);
    else child.stdout!.resume();
    // The tool may exit before it read its stdin; an EPIPE there is just part of that exit.
    child.stdin?.on('error', () => {});
    let done = false;
    const finish = (code: number | null, signal: string | null, error?: Error) => {
      if (done) return;
      done = true;
      this.#children.delete(child);
      if (this.#children.size === 0) {
        process.off('exit', this.#killAll);
        for (const resolve of this.#idle.splice(0)) resolve();
      }
      options.onExit({ code, signal, stderr, ...(error ? { error } : {}) });
    };
    child.on('error', (err) => {
      if (child.pid === undefined) finish(null, null, toolError(path, args, err));
    });
    // 'close' (not 'exit') so that the last stdout/stderr lines have been delivered first.
    child.on('close', (code, signal) => finish(code, signal));
    return child;
  }

  get size(): number {
    return this.#children.size;
  }

  /** Resolves once no child is running. */
  idle(): Promise<void> {
    if (this.#children.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}
