import type { ChildProcess } from 'node:child_process';
import type { TimerHandle } from '../../lib/clock/clock.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { DebouncedInput } from './debounce.ts';
import type { LineContext } from './gpiod-relay.ts';
import { parseGpiomonLine, runToolSync } from './gpiod-tools.ts';
import type { DigitalInput, InputChange, InputOptions } from './types.ts';

/**
 * One input: an initial gpioget, then a long-running gpiomon whose edges go through the shared debouncer.
 * gpioget cannot run while gpiomon holds the line, so an edge in the few milliseconds between the two is
 * only seen at the next edge; after a gpiomon restart the level is read again for the same reason.
 */
export class GpiodInput implements DigitalInput {
  readonly name: string;
  /** Resolves once the input is closed and its gpiomon has exited. */
  readonly released: Promise<void>;
  readonly #chip: string;
  readonly #options: InputOptions;
  readonly #ctx: LineContext;
  readonly #log: Logger;
  readonly #input: DebouncedInput;
  readonly #onRaw: (high: boolean) => void;
  readonly #resolveReleased: () => void;
  #gated: boolean;
  #monitor: ChildProcess | undefined;
  #restartTimer: TimerHandle | undefined;

  /**
   * Throws when the initial read fails (unknown line, tool missing). With a `gate` (the line's previous
   * user is still letting go of it) the input starts inactive and reads the level once the gate opens.
   */
  constructor(
    name: string,
    chip: string,
    options: InputOptions,
    ctx: LineContext,
    gate: Promise<void> | undefined,
    onRaw: (high: boolean) => void,
    onClose: () => void,
  ) {
    this.name = name;
    this.#chip = chip;
    this.#options = options;
    this.#ctx = ctx;
    this.#onRaw = onRaw;
    this.#log = ctx.logger.child({ input: name, chip, line: options.line });
    const released = Promise.withResolvers<void>();
    this.released = released.promise;
    this.#resolveReleased = released.resolve;
    this.#gated = gate !== undefined;
    const initialHigh = gate ? options.activeLow : this.#read();
    this.#input = new DebouncedInput(name, {
      clock: ctx.clock,
      logger: this.#log,
      debounceMs: options.debounceMs,
      initialActive: initialHigh !== options.activeLow,
      onClose: () => {
        ctx.clock.clearTimeout(this.#restartTimer);
        this.#monitor?.kill('SIGTERM');
        onClose();
        this.#checkReleased();
      },
    });
    if (!gate) this.#startMonitor();
    else
      void gate.then(() => {
        this.#gated = false;
        this.#resync();
        this.#checkReleased();
      });
  }

  isActive(): boolean {
    return this.#input.isActive();
  }

  onChange(listener: (change: InputChange) => void): () => void {
    return this.#input.onChange(listener);
  }

  close(): void {
    this.#input.close();
  }

  #read(): boolean {
    return runToolSync(this.#ctx.tools.gpioget, [this.#chip, String(this.#options.line)]).trim() === '1';
  }

  #sample(high: boolean): void {
    this.#onRaw(high);
    this.#input.sample(high !== this.#options.activeLow);
  }

  /** Reads the level (edges while nothing watched are lost) and watches again. */
  #resync(): void {
    if (this.#input.closed) return;
    try {
      this.#sample(this.#read());
    } catch (err) {
      this.#log.warn({ err }, 'gpioget failed before starting gpiomon');
    }
    this.#startMonitor();
  }

  #startMonitor(): void {
    // --line-buffered: gpiomon's stdout is a pipe, which stdio would otherwise buffer for kilobytes.
    const args = ['--line-buffered', this.#chip, String(this.#options.line)];
    this.#monitor = this.#ctx.children.spawn(this.#ctx.tools.gpiomon, args, {
      logger: this.#log,
      stdin: 'ignore',
      onStdoutLine: (line) => {
        const event = parseGpiomonLine(line);
        if (event?.offset === this.#options.line) this.#sample(event.rising);
      },
      onExit: ({ code, signal, error }) => {
        this.#monitor = undefined;
        if (this.#input.closed) {
          this.#checkReleased();
          return;
        }
        this.#log.warn({ code, signal, err: error }, 'gpiomon exited; restarting it');
        this.#restartTimer = this.#ctx.clock.setTimeout(() => {
          this.#restartTimer = undefined;
          this.#resync();
        }, this.#ctx.restartDelayMs);
      },
    });
  }

  #checkReleased(): void {
    if (this.#input.closed && !this.#gated && !this.#monitor) this.#resolveReleased();
  }
}
