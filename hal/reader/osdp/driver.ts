/**
 * Card readers on RS-485 buses speaking OSDP v2.2 (the panel is the controller, the ACU), through
 * node-serialport. One poll loop per bus (bus-poller.ts), one state machine per reader (pd-link.ts).
 * Keys (SCBK) come from config and stay in memory only; nothing here logs them.
 */
import { type Clock, SystemClock } from '../../../lib/clock/clock.ts';
import { ConfigError, HardwareError, NotFoundError } from '../../../lib/errors.ts';
import { SafeEmitter } from '../../../lib/events.ts';
import { type Logger, silentLogger } from '../../../lib/log/logger.ts';
import type { CardReaderDriver, CardReaderEvents, ReaderFeedback } from '../types.ts';
import { BusPoller } from './bus-poller.ts';
import { feedbackCommands } from './feedback.ts';
import { OSDP_TIMING_DEFAULTS, type OsdpCardReaderOptions, type OsdpTimingOptions } from './options.ts';
import { PdLink } from './pd-link.ts';
import { openSerialPort } from './serial-link.ts';

export class OsdpCardReaderDriver implements CardReaderDriver {
  readonly kind = 'osdp';
  readonly #events: SafeEmitter<CardReaderEvents>;
  readonly #logger: Logger;
  readonly #links = new Map<string, PdLink>();
  readonly #buses: BusPoller[] = [];
  #running = false;

  constructor(options: OsdpCardReaderOptions) {
    const clock: Clock = options.clock ?? new SystemClock();
    this.#logger = (options.logger ?? silentLogger).child({ driver: 'reader.osdp' });
    this.#events = new SafeEmitter((event, err) =>
      this.#logger.error({ event, err }, 'reader listener threw'),
    );
    const timing: OsdpTimingOptions = { ...OSDP_TIMING_DEFAULTS };
    for (const key of Object.keys(timing) as (keyof OsdpTimingOptions)[]) {
      const value = options[key];
      if (value !== undefined) timing[key] = value;
    }
    // Events are emitted only while started: stop() is quiet.
    const emit = <K extends keyof CardReaderEvents>(event: K, payload: CardReaderEvents[K]): void => {
      if (!this.#running) return;
      this.#log(event, payload);
      this.#events.emit(event, payload);
    };
    for (const bus of options.buses) {
      const addresses = new Set<number>();
      const links = bus.readers.map((reader) => {
        if (!Number.isInteger(reader.address) || reader.address < 0 || reader.address > 126)
          throw new ConfigError(`OSDP reader "${reader.name}": address ${reader.address} is outside 0-126`);
        if (addresses.has(reader.address))
          throw new ConfigError(`OSDP bus ${bus.path}: two readers have address ${reader.address}`);
        if (this.#links.has(reader.name))
          throw new ConfigError(`OSDP reader name "${reader.name}" is used twice`);
        if (reader.scbk !== undefined && reader.scbk.length !== 16)
          throw new ConfigError(`OSDP reader "${reader.name}": the key must be 16 bytes`);
        if (reader.installMode && !reader.scbk)
          throw new ConfigError(`OSDP reader "${reader.name}": install mode needs the key to hand over`);
        addresses.add(reader.address);
        const link = new PdLink(reader, timing, emit);
        this.#links.set(reader.name, link);
        return link;
      });
      this.#buses.push(
        new BusPoller({
          path: bus.path,
          baudRate: bus.baudRate ?? 9600,
          links,
          timing,
          clock,
          logger: this.#logger,
          openLink: options.openLink ?? openSerialPort,
          emit,
        }),
      );
    }
  }

  on<K extends keyof CardReaderEvents>(
    event: K,
    listener: (payload: CardReaderEvents[K]) => void,
  ): () => void {
    return this.#events.on(event, listener);
  }

  /** Resolves once every bus had its first open attempt; readers attach as they answer. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await Promise.all(this.#buses.map((bus) => bus.start()));
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#buses.map((bus) => bus.stop()));
  }

  attachedReaders(): string[] {
    return this.#running ? [...this.#links.values()].filter((l) => l.attached).map((l) => l.name) : [];
  }

  /** Link changes and alarms go to the log too; cards and keys never do (UIDs, PINs). */
  #log<K extends keyof CardReaderEvents>(event: K, payload: CardReaderEvents[K]): void {
    if (event === 'reader.attached' || event === 'reader.detached') this.#logger.info(payload, event);
    else if (event === 'reader.security' || event === 'reader.tamper' || event === 'reader.power')
      this.#logger.warn(payload, event);
    else if (event === 'error') {
      const { reader, error } = payload as CardReaderEvents['error'];
      this.#logger.warn({ reader, err: error }, 'reader error');
    }
  }

  async feedback(reader: string, signal: ReaderFeedback): Promise<void> {
    const link = this.#links.get(reader);
    if (!link) throw new NotFoundError(`no OSDP reader named "${reader}"`);
    if (!this.#running) throw new HardwareError('the OSDP card reader driver is not started');
    await link.enqueue(feedbackCommands(signal));
  }
}
