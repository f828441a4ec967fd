import type { ChildProcess } from 'node:child_process';
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import { HardwareError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { GpiodTools, ToolChildren } from './gpiod-tools.ts';
import type { Relay, RelayOptions } from './types.ts';

/** What every line of a gpiod driver shares. */
export interface LineContext {
  tools: GpiodTools;
  clock: Clock;
  logger: Logger;
  children: ToolChildren;
  restartDelayMs: number;
}

/**
 * One relay: the state is recorded at once and a gpioset process is brought in line with it. A level
 * change ends the running gpioset (EOF on its stdin) and starts the next one only after the old one has
 * released the line, since the kernel refuses a second request for it (EBUSY). Changes arriving meanwhile
 * are coalesced: only the latest state is driven.
 */
export class GpiodRelay implements Relay {
  readonly name: string;
  /** Resolves once the relay is closed and none of its gpioset processes holds the line any more. */
  readonly released: Promise<void>;
  readonly #chip: string;
  readonly #options: RelayOptions;
  readonly #ctx: LineContext;
  readonly #log: Logger;
  readonly #onClose: () => void;
  readonly #resolveReleased: () => void;
  #energized = false;
  #closed = false;
  #gated: boolean;
  #running = 0;
  #child: ChildProcess | undefined;
  #childHigh = false;
  #stopping = false;
  #restartTimer: TimerHandle | undefined;

  /** `gate`: the previous user of the line is still letting go of it; spawning before that fails (EBUSY). */
  constructor(
    name: string,
    chip: string,
    options: RelayOptions,
    ctx: LineContext,
    gate: Promise<void> | undefined,
    onClose: () => void,
  ) {
    this.name = name;
    this.#chip = chip;
    this.#options = options;
    this.#ctx = ctx;
    this.#onClose = onClose;
    this.#log = ctx.logger.child({ relay: name, chip, line: options.line });
    const released = Promise.withResolvers<void>();
    this.released = released.promise;
    this.#resolveReleased = released.resolve;
    this.#gated = gate !== undefined;
    if (!gate) this.#spawn();
    else
      void gate.then(() => {
        this.#gated = false;
        if (!this.#closed) this.#spawn();
        this.#checkReleased();
      });
  }

  setEnergized(energized: boolean): void {
    if (this.#closed) throw new HardwareError(`relay "${this.name}" is closed`);
    this.#energized = energized;
    this.#sync();
  }

  isEnergized(): boolean {
    return this.#energized;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#energized = false;
    this.#ctx.clock.clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
    // Holding the line would keep a process per relay alive after close; drive it de-energized and let go.
    if (this.#child) this.#stop();
    else if (!this.#gated) this.#spawn('exit');
    this.#onClose();
    this.#checkReleased();
  }

  #desiredHigh(): boolean {
    return this.#energized !== this.#options.activeLow;
  }

  #sync(): void {
    if (this.#gated || this.#restartTimer) return; // the (re)start picks up the latest state
    if (!this.#child) this.#spawn();
    else if (this.#childHigh !== this.#desiredHigh()) this.#stop();
  }

  #stop(): void {
    if (this.#stopping || !this.#child) return;
    this.#stopping = true;
    this.#child.stdin?.end();
  }

  #spawn(mode: 'wait' | 'exit' = 'wait'): void {
    const high = this.#desiredHigh();
    const args = [`--mode=${mode}`, this.#chip, `${this.#options.line}=${high ? 1 : 0}`];
    this.#running++;
    const child = this.#ctx.children.spawn(this.#ctx.tools.gpioset, args, {
      logger: this.#log,
      stdin: mode === 'wait' ? 'pipe' : 'ignore',
      onExit: (result) => {
        this.#running--;
        this.#onExit(child, result);
        this.#checkReleased();
      },
    });
    if (mode === 'exit') return;
    this.#child = child;
    this.#childHigh = high;
    this.#stopping = false;
  }

  #onExit(
    child: ChildProcess,
    { code, signal, error }: { code: number | null; signal: string | null; error?: Error },
  ): void {
    if (child !== this.#child) {
      if (code !== 0) this.#log.warn({ code, signal, err: error }, 'gpioset failed');
      return;
    }
    const expected = this.#stopping && code === 0;
    this.#child = undefined;
    this.#stopping = false;
    if (this.#closed) {
      // The line was released at the energized level; leave it driven de-energized.
      if (this.#childHigh !== this.#desiredHigh()) this.#spawn('exit');
      return;
    }
    if (expected) {
      this.#spawn();
      return;
    }
    this.#log.warn({ code, signal, err: error }, 'gpioset exited unexpectedly; restarting it');
    this.#restartTimer = this.#ctx.clock.setTimeout(() => {
      this.#restartTimer = undefined;
      if (!this.#closed) this.#spawn();
    }, this.#ctx.restartDelayMs);
  }

  #checkReleased(): void {
    if (this.#closed && !this.#gated && this.#running === 0) this.#resolveReleased();
  }
}
