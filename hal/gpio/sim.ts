import type { Clock } from '../../lib/clock/clock.ts';
import { HardwareError, NotFoundError } from '../../lib/errors.ts';
import { SafeEmitter } from '../../lib/events.ts';
import { type Logger, silentLogger } from '../../lib/log/logger.ts';
import { DebouncedInput } from './debounce.ts';
import { LineClaims } from './line-claims.ts';
import type { DigitalInput, GpioDriver, InputOptions, Relay, RelayOptions } from './types.ts';

export interface SimGpioOptions {
  clock: Clock;
  logger?: Logger;
}

export interface SimRelayState {
  name: string;
  chip: string;
  line: number;
  activeLow: boolean;
  open: boolean;
  energized: boolean;
  /** The level the pin would be driven at, after activeLow. */
  physicalHigh: boolean;
  /** How many times the relay went from de-energized to energized since it was opened. */
  energizeCount: number;
}

export interface SimInputState {
  name: string;
  chip: string;
  line: number;
  activeLow: boolean;
  debounceMs: number;
  open: boolean;
  /** The raw level the simulator applies to the pin. */
  physicalHigh: boolean;
  /** The debounced level the door controller sees. */
  active: boolean;
}

export type SimGpioEvents = { relay: SimRelayState; input: SimInputState };

interface SimRelayEntry {
  options: RelayOptions;
  relay: SimRelay;
}

interface SimInputEntry {
  options: InputOptions;
  input: DebouncedInput;
}

/**
 * GPIO for the simulator and for tests: relays live in memory, inputs are driven through the control API
 * (`setInputLevel`, `setInput`) and go through the same debouncer as real hardware. Closed lines stay in
 * the read-out (open: false) so the simulator can still show how they were left.
 */
export class SimGpioDriver implements GpioDriver {
  readonly kind = 'sim';
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #claims = new LineClaims();
  readonly #relays = new Map<string, SimRelayEntry>();
  readonly #inputs = new Map<string, SimInputEntry>();
  /** Physical levels applied by the simulator, also to lines no input has opened yet. */
  readonly #levels = new Map<string, boolean>();
  readonly #events: SafeEmitter<SimGpioEvents>;

  constructor(options: SimGpioOptions) {
    this.#clock = options.clock;
    this.#logger = options.logger ?? silentLogger;
    this.#events = new SafeEmitter((event, err) =>
      this.#logger.error({ err, event }, 'sim GPIO listener threw'),
    );
  }

  openRelay(name: string, options: RelayOptions): Relay {
    const key = lineKey(options.chip, options.line);
    const release = this.#claims.claim(key, name, `${options.chip}:${options.line}`);
    const notify = () => this.#events.emit('relay', this.#relayState(entry));
    const relay = new SimRelay(name, notify, () => {
      release();
      notify();
    });
    const entry: SimRelayEntry = { options: { ...options }, relay };
    this.#relays.set(key, entry);
    this.#events.emit('relay', this.#relayState(entry));
    return relay;
  }

  openInput(name: string, options: InputOptions): DigitalInput {
    const key = lineKey(options.chip, options.line);
    const release = this.#claims.claim(key, name, `${options.chip}:${options.line}`);
    const physical = this.#levels.get(key) ?? options.activeLow;
    const input = new DebouncedInput(name, {
      clock: this.#clock,
      logger: this.#logger,
      debounceMs: options.debounceMs,
      initialActive: physical !== options.activeLow,
      onClose: release,
    });
    const entry: SimInputEntry = { options: { ...options }, input };
    input.onChange(() => this.#events.emit('input', this.#inputState(entry)));
    this.#inputs.set(key, entry);
    return input;
  }

  /** Applies a raw physical level to a line, as a wire would. Lines not opened yet start at this level. */
  setInputLevel(chip: string, line: number, physicalHigh: boolean): void {
    const key = lineKey(chip, line);
    this.#levels.set(key, physicalHigh);
    const entry = this.#inputs.get(key);
    if (!entry || entry.input.closed) return;
    entry.input.sample(physicalHigh !== entry.options.activeLow);
    this.#events.emit('input', this.#inputState(entry));
  }

  /** Drives an open input by name to its active or inactive level (activeLow taken into account). */
  setInput(name: string, active: boolean): void {
    const entry = [...this.#inputs.values()].find((e) => e.input.name === name && !e.input.closed);
    if (!entry) {
      const open = [...this.#inputs.values()].filter((e) => !e.input.closed).map((e) => e.input.name);
      throw new NotFoundError(`no open sim input "${name}"; open inputs: ${open.join(', ') || 'none'}`);
    }
    this.setInputLevel(entry.options.chip, entry.options.line, active !== entry.options.activeLow);
  }

  relays(): SimRelayState[] {
    return [...this.#relays.values()].map((e) => this.#relayState(e));
  }

  inputs(): SimInputState[] {
    return [...this.#inputs.values()].map((e) => this.#inputState(e));
  }

  /** Every relay and input change, for the simulator's live view. Returns the unsubscribe function. */
  on<K extends keyof SimGpioEvents>(event: K, listener: (state: SimGpioEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  close(): void {
    for (const { relay } of this.#relays.values()) relay.close();
    for (const { input } of this.#inputs.values()) input.close();
  }

  #relayState({ options, relay }: SimRelayEntry): SimRelayState {
    const energized = relay.isEnergized();
    return {
      name: relay.name,
      chip: options.chip,
      line: options.line,
      activeLow: options.activeLow,
      open: !relay.closed,
      energized,
      physicalHigh: energized !== options.activeLow,
      energizeCount: relay.energizeCount,
    };
  }

  #inputState({ options, input }: SimInputEntry): SimInputState {
    return {
      name: input.name,
      chip: options.chip,
      line: options.line,
      activeLow: options.activeLow,
      debounceMs: options.debounceMs,
      open: !input.closed,
      physicalHigh: this.#levels.get(lineKey(options.chip, options.line)) ?? options.activeLow,
      active: input.isActive(),
    };
  }
}

class SimRelay implements Relay {
  readonly name: string;
  readonly #onSet: () => void;
  readonly #onClose: () => void;
  #energized = false;
  #count = 0;
  #closed = false;

  constructor(name: string, onSet: () => void, onClose: () => void) {
    this.name = name;
    this.#onSet = onSet;
    this.#onClose = onClose;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get energizeCount(): number {
    return this.#count;
  }

  setEnergized(energized: boolean): void {
    if (this.#closed) throw new HardwareError(`relay "${this.name}" is closed`);
    if (energized && !this.#energized) this.#count++;
    this.#energized = energized;
    this.#onSet();
  }

  isEnergized(): boolean {
    return this.#energized;
  }

  close(): void {
    if (this.#closed) return;
    this.#energized = false;
    this.#closed = true;
    this.#onClose();
  }
}

function lineKey(chip: string, line: number): string {
  return `${chip}\u0000${line}`;
}
