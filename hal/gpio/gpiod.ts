import type { Clock } from '../../lib/clock/clock.ts';
import { SafeEmitter } from '../../lib/events.ts';
import { type Logger, silentLogger } from '../../lib/log/logger.ts';
import { GpiodInput } from './gpiod-input.ts';
import { GpiodRelay, type LineContext } from './gpiod-relay.ts';
import {
  defaultGpiodTools,
  findGpiodChip,
  type GpiodChip,
  type GpiodTools,
  parseGpiodetect,
  runToolSync,
  ToolChildren,
} from './gpiod-tools.ts';
import { LineClaims } from './line-claims.ts';
import type { DigitalInput, GpioDriver, GpioLineRef, InputOptions, Relay, RelayOptions } from './types.ts';

export interface GpiodGpioOptions {
  clock: Clock;
  logger?: Logger;
  /** Tool paths; each defaults to the bare name, found on PATH. */
  tools?: Partial<GpiodTools>;
  /** Wait before restarting a tool that died on its own. */
  restartDelayMs?: number;
}

/** A raw edge as gpiomon reported it (or a re-read level), before debouncing: diagnostics and tests. */
export interface GpiodRawEdge {
  chip: string;
  line: number;
  high: boolean;
}

/**
 * GPIO over the character device through the libgpiod v1 tools, for kernels without sysfs GPIO.
 *
 * libgpiod 1.6's gpioset cannot change a value it holds (v2's --interactive does not exist yet), so each
 * level is one gpioset process. It runs with --mode=wait: it holds the line until its stdin reaches EOF,
 * which is how we end it for a level change and also what ends it if this process dies, so a crash never
 * leaves an orphan holding the relay line. Levels are physical; activeLow is applied here, not with -l.
 */
export class GpiodGpioDriver implements GpioDriver {
  readonly kind = 'gpiod';
  readonly #ctx: LineContext;
  readonly #claims = new LineClaims();
  readonly #open = new Set<{ close(): void }>();
  /** Lines whose last user is closed but whose tool process may still hold them. */
  readonly #releasing = new Map<string, Promise<void>>();
  readonly #rawEdges: SafeEmitter<{ edge: GpiodRawEdge }>;
  #chips: GpiodChip[] | undefined;

  constructor(options: GpiodGpioOptions) {
    const logger = options.logger ?? silentLogger;
    this.#ctx = {
      tools: { ...defaultGpiodTools, ...options.tools },
      clock: options.clock,
      logger,
      children: new ToolChildren(),
      restartDelayMs: options.restartDelayMs ?? 1000,
    };
    this.#rawEdges = new SafeEmitter((_e, err) => logger.error({ err }, 'raw edge listener threw'));
  }

  openRelay(name: string, options: RelayOptions): Relay {
    const chip = this.#chip(options);
    const key = `${chip.name}:${options.line}`;
    const release = this.#claims.claim(key, name, key);
    const relay: GpiodRelay = new GpiodRelay(
      name,
      chip.name,
      options,
      this.#ctx,
      this.#releasing.get(key),
      () => this.#closed(key, relay, release),
    );
    this.#open.add(relay);
    return relay;
  }

  openInput(name: string, options: InputOptions): DigitalInput {
    const chip = this.#chip(options);
    const key = `${chip.name}:${options.line}`;
    const release = this.#claims.claim(key, name, key);
    let input: GpiodInput;
    try {
      input = new GpiodInput(
        name,
        chip.name,
        options,
        this.#ctx,
        this.#releasing.get(key),
        (high) => this.#rawEdges.emit('edge', { chip: chip.name, line: options.line, high }),
        () => this.#closed(key, input, release),
      );
    } catch (err) {
      release();
      throw err;
    }
    this.#open.add(input);
    return input;
  }

  /** Raw (undebounced) levels of every input; returns the unsubscribe function. */
  onRawEdge(listener: (edge: GpiodRawEdge) => void): () => void {
    return this.#rawEdges.on('edge', listener);
  }

  close(): void {
    for (const line of [...this.#open]) line.close();
  }

  /** Resolves when every tool process has exited, e.g. after close() during shutdown. */
  idle(): Promise<void> {
    return this.#ctx.children.idle();
  }

  #closed(key: string, line: GpiodRelay | GpiodInput, release: () => void): void {
    this.#open.delete(line);
    release();
    const released = line.released;
    this.#releasing.set(key, released);
    void released.then(() => {
      if (this.#releasing.get(key) === released) this.#releasing.delete(key);
    });
  }

  #chip(ref: GpioLineRef): GpiodChip {
    // Chips rarely come and go at runtime; look again only when a name is unknown.
    const known = this.#chips?.some((c) => c.name === ref.chip || c.label === ref.chip);
    if (!known) this.#chips = parseGpiodetect(runToolSync(this.#ctx.tools.gpiodetect, []));
    return findGpiodChip(this.#chips ?? [], ref);
  }
}
