import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import { SafeEmitter } from '../../lib/events.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { DigitalInput, InputChange } from './types.ts';

export interface DebouncerOptions {
  clock: Clock;
  /** How long a new level must hold before it counts; 0 reports every change at once. */
  debounceMs: number;
  initial: boolean;
  onChange: (change: InputChange) => void;
}

/**
 * Raw level samples in, stable changes out. Every driver feeds its samples through this class so that the
 * sim, sysfs and character-device drivers debounce identically. `at` is the time of the last raw
 * transition, i.e. when the new level started to hold, not when the debounce period ran out: a door
 * contact then reports when the door actually opened.
 */
export class Debouncer {
  readonly #clock: Clock;
  readonly #debounceMs: number;
  readonly #onChange: (change: InputChange) => void;
  #stable: boolean;
  #raw: boolean;
  #rawSince: number;
  #timer: TimerHandle | undefined;
  #disposed = false;

  constructor(options: DebouncerOptions) {
    this.#clock = options.clock;
    this.#debounceMs = Math.max(0, options.debounceMs);
    this.#onChange = options.onChange;
    this.#stable = options.initial;
    this.#raw = options.initial;
    this.#rawSince = options.clock.monotonic();
  }

  get level(): boolean {
    return this.#stable;
  }

  sample(level: boolean): void {
    // Repeated samples of the same level (polling) must not restart the stability window.
    if (this.#disposed || level === this.#raw) return;
    this.#raw = level;
    this.#rawSince = this.#clock.monotonic();
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (level === this.#stable) return;
    if (this.#debounceMs === 0) {
      this.#commit();
      return;
    }
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#commit();
    }, this.#debounceMs);
  }

  dispose(): void {
    this.#disposed = true;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #commit(): void {
    this.#stable = this.#raw;
    this.#onChange({ active: this.#stable, at: this.#rawSince });
  }
}

export interface DebouncedInputOptions {
  clock: Clock;
  logger: Logger;
  debounceMs: number;
  initialActive: boolean;
  /** Releases the driver's resources for the line; called once, on the first close(). */
  onClose: () => void;
}

/** The DigitalInput every driver hands out: the driver samples, this debounces and fans out. */
export class DebouncedInput implements DigitalInput {
  readonly name: string;
  readonly #debouncer: Debouncer;
  readonly #emitter: SafeEmitter<{ change: InputChange }>;
  readonly #onClose: () => void;
  #closed = false;

  constructor(name: string, options: DebouncedInputOptions) {
    this.name = name;
    this.#onClose = options.onClose;
    this.#emitter = new SafeEmitter((_event, err) =>
      options.logger.error({ err, input: name }, 'input change listener threw'),
    );
    this.#debouncer = new Debouncer({
      clock: options.clock,
      debounceMs: options.debounceMs,
      initial: options.initialActive,
      onChange: (change) => this.#emitter.emit('change', change),
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** A raw (undebounced) sample, already converted to active/inactive. */
  sample(active: boolean): void {
    this.#debouncer.sample(active);
  }

  isActive(): boolean {
    return this.#debouncer.level;
  }

  onChange(listener: (change: InputChange) => void): () => void {
    return this.#emitter.on('change', listener);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#debouncer.dispose();
    this.#emitter.removeAllListeners();
    this.#onClose();
  }
}
