import { closeSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BinaryValue, Gpio } from 'onoff';
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import { errorMessage, HardwareError, PortvaktError } from '../../lib/errors.ts';
import { type Logger, silentLogger } from '../../lib/log/logger.ts';
import { DebouncedInput } from './debounce.ts';
import { LineClaims } from './line-claims.ts';
import { resolveSysfsGpio, SYSFS_GPIO_ROOT } from './sysfs-chip.ts';
import type { DigitalInput, GpioDriver, InputOptions, Relay, RelayOptions } from './types.ts';

export interface OnoffGpioOptions {
  clock: Clock;
  logger?: Logger;
  /** Sampling period for inputs whose line cannot interrupt. */
  pollIntervalMs?: number;
}

type GpioClass = typeof Gpio;

/**
 * GPIO through the kernel's sysfs interface, using onoff. onoff hard-codes /sys/class/gpio, so the chip
 * lookup uses the same root. Levels are handled physically (active_low is forced to 0) because sysfs'
 * "high"/"low" direction values ignore active_low while `value` honours it: mixing the two is how a relay
 * ends up energized at boot.
 */
export class OnoffGpioDriver implements GpioDriver {
  readonly kind = 'onoff';
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #pollIntervalMs: number;
  readonly #claims = new LineClaims();
  readonly #open = new Set<{ close(): void }>();
  #Gpio: GpioClass | undefined;
  #warnedPolling = false;

  constructor(options: OnoffGpioOptions) {
    this.#clock = options.clock;
    this.#logger = options.logger ?? silentLogger;
    this.#pollIntervalMs = options.pollIntervalMs ?? 10;
  }

  openRelay(name: string, options: RelayOptions): Relay {
    const number = resolveSysfsGpio(options, SYSFS_GPIO_ROOT);
    const release = this.#claims.claim(String(number), name, `${options.chip}:${options.line} (#${number})`);
    const exportedBefore = existsSync(gpioDir(number));
    const offLevel: BinaryValue = options.activeLow ? 1 : 0;
    let gpio: Gpio;
    try {
      // 'high'/'low' make the line an output at that level in one write, so it never glitches energized.
      gpio = new (this.#gpioClass())(number, offLevel === 1 ? 'high' : 'low', undefined, {
        activeLow: false,
      });
      // onoff ignores a failed direction write on a line exported before us; writing the value makes the
      // de-energized level explicit, and fails loudly if the line did not become an output.
      gpio.writeSync(offLevel);
    } catch (err) {
      release();
      throw lineError(`cannot open relay "${name}" on GPIO #${number}`, err);
    }
    let energized = false;
    let closed = false;
    const relay: Relay & { close(): void } = {
      name,
      setEnergized: (on: boolean) => {
        if (closed) throw new HardwareError(`relay "${name}" is closed`);
        try {
          gpio.writeSync(on !== options.activeLow ? 1 : 0);
        } catch (err) {
          throw lineError(`relay "${name}" (GPIO #${number}) could not be set`, err);
        }
        energized = on;
      },
      isEnergized: () => energized,
      close: () => {
        if (closed) return;
        closed = true;
        this.#open.delete(relay);
        try {
          gpio.writeSync(offLevel);
        } catch (err) {
          this.#logger.error({ err, relay: name, gpio: number }, 'could not de-energize relay on close');
        }
        energized = false;
        releaseGpio(gpio, exportedBefore);
        release();
      },
    };
    this.#open.add(relay);
    return relay;
  }

  openInput(name: string, options: InputOptions): DigitalInput {
    const number = resolveSysfsGpio(options, SYSFS_GPIO_ROOT);
    const release = this.#claims.claim(String(number), name, `${options.chip}:${options.line} (#${number})`);
    const exportedBefore = existsSync(gpioDir(number));
    let gpio: Gpio;
    let canInterrupt = !exportedBefore || existsSync(`${gpioDir(number)}/edge`);
    try {
      gpio = this.#openInputGpio(number, canInterrupt);
    } catch (err) {
      if (!isMissingEdgeFile(err) || !existsSync(gpioDir(number))) {
        release();
        throw lineError(`cannot open input "${name}" on GPIO #${number}`, err);
      }
      // Exported by us just now, but the line has no interrupt support.
      canInterrupt = false;
      gpio = this.#openInputGpio(number, false);
    }
    const toActive = (value: BinaryValue) => (value === 1) !== options.activeLow;
    let pollTimer: TimerHandle | undefined;
    let watching = false;
    const input = new DebouncedInput(name, {
      clock: this.#clock,
      logger: this.#logger,
      debounceMs: options.debounceMs,
      initialActive: toActive(gpio.readSync()),
      onClose: () => {
        this.#open.delete(input);
        this.#clock.clearTimeout(pollTimer);
        if (watching) unwatchQuietly(gpio);
        releaseGpio(gpio, exportedBefore);
        release();
      },
    });
    if (canInterrupt) {
      try {
        gpio.watch((err, value) => {
          if (err) this.#logger.warn({ err, input: name }, 'GPIO interrupt error');
          else input.sample(toActive(value));
        });
        watching = true;
      } catch (err) {
        // onoff keeps the listener after a failed epoll add; clear it or unexport would throw later.
        unwatchQuietly(gpio);
        if (!isNoInterrupts(err)) {
          input.close();
          throw lineError(`cannot watch input "${name}" on GPIO #${number}`, err);
        }
      }
    }
    if (!watching) {
      this.#warnPollingOnce(name, number);
      const poll = () => {
        try {
          input.sample(toActive(gpio.readSync()));
        } catch (err) {
          this.#logger.error({ err, input: name }, 'GPIO read failed');
        }
        pollTimer = this.#clock.setTimeout(poll, this.#pollIntervalMs);
      };
      pollTimer = this.#clock.setTimeout(poll, this.#pollIntervalMs);
    }
    this.#open.add(input);
    return input;
  }

  close(): void {
    for (const line of [...this.#open]) line.close();
  }

  #openInputGpio(number: number, withEdge: boolean): Gpio {
    const GpioCtor = this.#gpioClass();
    return withEdge
      ? new GpioCtor(number, 'in', 'both', { activeLow: false })
      : new GpioCtor(number, 'in', undefined, { activeLow: false });
  }

  /** onoff loads the native epoll addon on import; the sim and gpiod drivers must work without it. */
  #gpioClass(): GpioClass {
    this.#Gpio ??= (createRequire(import.meta.url)('onoff') as { Gpio: GpioClass }).Gpio;
    return this.#Gpio;
  }

  #warnPollingOnce(input: string, gpio: number): void {
    if (this.#warnedPolling) return;
    this.#warnedPolling = true;
    this.#logger.warn(
      { input, gpio, pollIntervalMs: this.#pollIntervalMs },
      'GPIO interrupts are not available; polling inputs instead',
    );
  }
}

function gpioDir(number: number): string {
  return `${SYSFS_GPIO_ROOT}/gpio${number}`;
}

/** Leaves lines that someone else exported as they were, only closing our file descriptor. */
function releaseGpio(gpio: Gpio, exportedBefore: boolean): void {
  try {
    if (!exportedBefore) {
      gpio.unexport();
      return;
    }
    // onoff has no public "close without unexport"; its value fd is the only resource a line holds.
    const fd = (gpio as unknown as { _valueFd?: unknown })._valueFd;
    if (typeof fd === 'number') closeSync(fd);
  } catch {
    // Closing is best effort: the line is already driven to its safe level.
  }
}

function unwatchQuietly(gpio: Gpio): void {
  try {
    gpio.unwatchAll();
  } catch {
    // epoll refuses to remove an fd it never accepted; the listener list is cleared before that throws.
  }
}

// The epoll addon reports errors as plain strerror() messages, without a code.
function isNoInterrupts(err: unknown): boolean {
  return /Operation not permitted|Invalid argument|EPERM|EINVAL/.test(errorMessage(err));
}

function isMissingEdgeFile(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' && /\/edge'?$/.test(errorMessage(err));
}

function lineError(message: string, err: unknown): PortvaktError {
  if (err instanceof PortvaktError) return err;
  return new HardwareError(`${message}: ${errorMessage(err)}`, { cause: err });
}
