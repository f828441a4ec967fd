/**
 * Simulated card readers for `--sim` runs, demos and tests. Taps go through the same normalization as
 * real card data, so the simulator API rejects exactly what a real reader's data would be rejected for.
 */
import type { Clock } from '../../lib/clock/clock.ts';
import { SystemClock } from '../../lib/clock/clock.ts';
import { HardwareError, NotFoundError, ValidationError } from '../../lib/errors.ts';
import { SafeEmitter } from '../../lib/events.ts';
import { type Logger, silentLogger } from '../../lib/log/logger.ts';
import type { CardReaderDriver, CardReaderEvents } from './types.ts';
import { normalizeAtr, normalizeUid } from './uid.ts';

/** What a MIFARE Classic 1K reports through a PC/SC contactless reader. */
export const SIM_DEFAULT_ATR = '3B8F8001804F0CA000000306030001000000006A';

export interface SimCardReaderOptions {
  /** Readers plugged in from the start; they attach when the driver starts. */
  readers: readonly string[];
  clock?: Clock;
  logger?: Logger;
}

export class SimCardReaderDriver implements CardReaderDriver {
  readonly kind = 'sim';
  readonly #events: SafeEmitter<CardReaderEvents>;
  readonly #clock: Clock;
  readonly #logger: Logger;
  /** Every reader this driver has heard of, so a detached reader is told apart from a typo. */
  readonly #known = new Set<string>();
  /** Readers physically plugged in; attached (and reported) only while started. */
  readonly #plugged = new Set<string>();
  #running = false;

  constructor(options: SimCardReaderOptions) {
    this.#clock = options.clock ?? new SystemClock();
    this.#logger = (options.logger ?? silentLogger).child({ driver: 'reader.sim' });
    this.#events = new SafeEmitter((event, err) =>
      this.#logger.error({ event, err }, 'reader listener threw'),
    );
    for (const name of options.readers) {
      this.#known.add(checkReaderName(name));
      this.#plugged.add(name);
    }
  }

  on<K extends keyof CardReaderEvents>(
    event: K,
    listener: (payload: CardReaderEvents[K]) => void,
  ): () => void {
    return this.#events.on(event, listener);
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    for (const reader of this.#plugged) this.#events.emit('reader.attached', { reader });
  }

  /** Stops quietly: no detach events, like a process shutting down. */
  async stop(): Promise<void> {
    this.#running = false;
  }

  attachedReaders(): string[] {
    return this.#running ? [...this.#plugged] : [];
  }

  /**
   * Presents a card to a reader and takes it away again (emits `card`, then `card.removed`).
   * Throws ValidationError for a bad UID/ATR, NotFoundError for an unknown reader and HardwareError when
   * the reader is unplugged or the driver is stopped.
   */
  tap(readerName: string, uid: string | Buffer, atr: string | Buffer = SIM_DEFAULT_ATR): void {
    const reader = this.#requireAttached(readerName);
    const card = { uid: normalizeUid(uid), atr: normalizeAtr(atr), reader, at: this.#clock.monotonic() };
    this.#events.emit('card', card);
    this.#events.emit('card.removed', { reader });
  }

  /** Plugs a reader in (a new name adds a reader). Idempotent. */
  attach(readerName: string): void {
    const reader = checkReaderName(readerName);
    if (this.#plugged.has(reader)) return;
    this.#known.add(reader);
    this.#plugged.add(reader);
    if (this.#running) this.#events.emit('reader.attached', { reader });
  }

  /** Unplugs a reader. Idempotent for known readers; unknown names throw NotFoundError. */
  detach(readerName: string): void {
    if (!this.#known.has(readerName)) throw new NotFoundError(`no simulated reader named "${readerName}"`);
    if (!this.#plugged.delete(readerName)) return;
    if (this.#running) this.#events.emit('reader.detached', { reader: readerName });
  }

  #requireAttached(readerName: string): string {
    if (!this.#running) throw new HardwareError('the simulated card reader driver is not started');
    if (!this.#known.has(readerName)) {
      const known = [...this.#known].map((r) => `"${r}"`).join(', ') || 'none';
      throw new NotFoundError(`no simulated reader named "${readerName}" (known: ${known})`);
    }
    if (!this.#plugged.has(readerName))
      throw new HardwareError(`simulated reader "${readerName}" is detached`);
    return readerName;
  }
}

function checkReaderName(name: string): string {
  if (typeof name !== 'string' || name.trim() === '')
    throw new ValidationError('reader name must not be empty');
  return name;
}
