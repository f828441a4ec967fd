/**
 * Card readers through PC/SC (pcscd) using nfc-pcsc. Survives readers being unplugged and pcscd dying:
 * pcsclite's context cannot recover once its daemon connection is gone, so the driver throws the whole
 * context away and opens a new one, with backoff, once pcscd accepts connections again.
 */
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import { SystemClock } from '../../lib/clock/clock.ts';
import { HardwareError } from '../../lib/errors.ts';
import { SafeEmitter } from '../../lib/events.ts';
import { type Logger, silentLogger } from '../../lib/log/logger.ts';
import {
  asError,
  defaultPcscdSocket,
  type NfcContext,
  type NfcReader,
  type OpenNfcContext,
  openNfcPcsc,
  pcscdListeningNow,
  pcscdReachable,
} from './pcsc-lib.ts';
import { PcscReaderWatch, type ReaderSink } from './pcsc-reader.ts';
import type { CardReaderDriver, CardReaderEvents, SecureCardReader } from './types.ts';

export interface PcscCardReaderOptions {
  clock?: Clock;
  logger?: Logger;
  /** The secure card read for buildings in a secure card mode (run while the card is in the field). */
  secureRead?: SecureCardReader;
  /** First delay before reopening a lost PC/SC context; doubles per failed attempt. Default 250 ms. */
  retryInitialMs?: number;
  /** Upper bound of the reopen delay. Default 5000 ms. */
  retryMaxMs?: number;
  /** pcscd's socket; default PCSCLITE_CSOCK_NAME or /run/pcscd/pcscd.comm. */
  socketPath?: string;
  /** Opens a PC/SC context; replaceable so the recovery logic can run against a fake stack. */
  openContext?: OpenNfcContext;
  /** Tells whether pcscd accepts connections; replaceable for the same reason. */
  isDaemonUp?: () => Promise<boolean>;
  /** Synchronous last check right before opening a context; replaceable for the same reason. */
  isDaemonListeningNow?: () => boolean;
}

interface Session {
  context: NfcContext;
  readers: Map<string, PcscReaderWatch>;
}

export class PcscCardReaderDriver implements CardReaderDriver {
  readonly kind = 'pcsc';
  readonly #events: SafeEmitter<CardReaderEvents>;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #retryInitialMs: number;
  readonly #retryMaxMs: number;
  readonly #openContext: OpenNfcContext;
  readonly #isDaemonUp: () => Promise<boolean>;
  readonly #isDaemonListeningNow: () => boolean;
  readonly #secureRead: SecureCardReader | undefined;
  #running = false;
  #session: Session | undefined;
  /**
   * Native objects to close. Closing happens from a setImmediate (or stop), never inside a pcsclite
   * callback: pcsclite holds locks while it calls us, and its close() takes them (deadlock).
   */
  #graveyard: (() => void)[] = [];
  #flush: NodeJS.Immediate | undefined;
  #retryTimer: TimerHandle | undefined;
  #retryDelay: number;
  #connecting: Promise<void> | undefined;
  /** One `error` per outage, not one per retry. */
  #outageReported = false;

  constructor(options: PcscCardReaderOptions = {}) {
    this.#clock = options.clock ?? new SystemClock();
    this.#logger = (options.logger ?? silentLogger).child({ driver: 'reader.pcsc' });
    this.#events = new SafeEmitter((event, err) =>
      this.#logger.error({ event, err }, 'reader listener threw'),
    );
    this.#retryInitialMs = options.retryInitialMs ?? 250;
    this.#retryMaxMs = options.retryMaxMs ?? 5000;
    this.#retryDelay = this.#retryInitialMs;
    this.#openContext = options.openContext ?? openNfcPcsc;
    this.#secureRead = options.secureRead;
    const socketPath = options.socketPath ?? defaultPcscdSocket();
    this.#isDaemonUp = options.isDaemonUp ?? (() => pcscdReachable(socketPath));
    // A replaced probe (a fake stack) comes without the /proc check unless one is given too.
    this.#isDaemonListeningNow =
      options.isDaemonListeningNow ?? (options.isDaemonUp ? () => true : () => pcscdListeningNow(socketPath));
  }

  on<K extends keyof CardReaderEvents>(
    event: K,
    listener: (payload: CardReaderEvents[K]) => void,
  ): () => void {
    return this.#events.on(event, listener);
  }

  /** Resolves once the first connection attempt is over; when pcscd is down it keeps retrying. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#retryDelay = this.#retryInitialMs;
    this.#outageReported = false;
    await this.#connect();
  }

  /** Releases every PC/SC context and timer, quietly (no detach events). */
  async stop(): Promise<void> {
    this.#running = false;
    this.#clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    await this.#connecting;
    const session = this.#session;
    this.#session = undefined;
    if (session) {
      for (const watch of session.readers.values()) watch.close();
      this.#bury(() => session.context.close());
    }
    clearImmediate(this.#flush);
    this.#flush = undefined;
    // stop() may have been called from a listener, i.e. inside a pcsclite callback.
    await new Promise((resolve) => setImmediate(resolve));
    this.#releaseAll();
  }

  attachedReaders(): string[] {
    return this.#session ? [...this.#session.readers.keys()] : [];
  }

  #connect(): Promise<void> {
    this.#connecting ??= this.#tryOpen().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #tryOpen(): Promise<void> {
    const up = await this.#isDaemonUp().catch(() => false);
    if (!this.#running || this.#session) return;
    // No await from here to the constructor: pcsclite must never be opened while pcscd is gone.
    if (!up || !this.#isDaemonListeningNow()) {
      this.#reportOutage(new HardwareError('pcscd is not running (its socket refuses connections)'));
      this.#scheduleRetry();
      return;
    }
    let context: NfcContext;
    try {
      context = this.#openContext();
    } catch (err) {
      this.#reportOutage(new HardwareError('could not open a PC/SC context', { cause: err }));
      this.#scheduleRetry();
      return;
    }
    const session: Session = { context, readers: new Map() };
    this.#session = session;
    this.#retryDelay = this.#retryInitialMs;
    this.#outageReported = false;
    context.on('reader', (reader) => this.#onReader(session, reader));
    // Stays attached for the context's whole life: closing it still emits "Command cancelled".
    context.on('error', (err) => this.#onContextError(session, err));
    this.#logger.info('PC/SC context open');
  }

  #onReader(session: Session, reader: NfcReader): void {
    const watch = new PcscReaderWatch(
      reader,
      this.#clock,
      this.#sink(session),
      (close) => this.#bury(close),
      this.#secureRead,
    );
    if (session !== this.#session) {
      watch.close();
      return;
    }
    session.readers.get(watch.name)?.close();
    session.readers.set(watch.name, watch);
    this.#logger.info({ reader: watch.name }, 'reader attached');
    this.#events.emit('reader.attached', { reader: watch.name });
  }

  #sink(session: Session): ReaderSink {
    const current = (): boolean => session === this.#session;
    return {
      card: (card) => {
        if (current()) this.#events.emit('card', card);
      },
      removed: (reader) => {
        if (current()) this.#events.emit('card.removed', { reader });
      },
      error: (reader, error) => {
        if (current()) this.#events.emit('error', { reader, error });
      },
      end: (reader) => {
        if (!current() || !session.readers.has(reader)) return;
        session.readers.get(reader)?.close();
        session.readers.delete(reader);
        this.#logger.info({ reader }, 'reader detached');
        this.#events.emit('reader.detached', { reader });
      },
    };
  }

  #onContextError(session: Session, err: unknown): void {
    if (session !== this.#session) return;
    const error = new HardwareError(`PC/SC context lost: ${asError(err).message}`, { cause: err });
    this.#logger.warn({ err: error }, 'PC/SC context lost; reopening');
    this.#outageReported = true;
    this.#events.emit('error', { error });
    // Readers usually end on their own first; whatever is left is detached here.
    for (const [reader, watch] of session.readers) {
      const owedRemoval = watch.cardReported;
      watch.close();
      session.readers.delete(reader);
      if (owedRemoval) this.#events.emit('card.removed', { reader });
      this.#events.emit('reader.detached', { reader });
    }
    this.#session = undefined;
    this.#bury(() => session.context.close());
    this.#scheduleRetry();
  }

  #reportOutage(error: HardwareError): void {
    if (this.#outageReported) {
      this.#logger.debug({ err: error }, 'PC/SC still unavailable');
      return;
    }
    this.#outageReported = true;
    this.#logger.warn({ err: error }, 'PC/SC unavailable; retrying');
    this.#events.emit('error', { error });
  }

  #scheduleRetry(): void {
    if (!this.#running || this.#retryTimer) return;
    const delay = this.#retryDelay;
    this.#retryDelay = Math.min(this.#retryDelay * 2, this.#retryMaxMs);
    this.#retryTimer = this.#clock.setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#connect();
    }, delay);
  }

  #bury(close: () => void): void {
    this.#graveyard.push(close);
    if (this.#running && !this.#flush) {
      this.#flush = setImmediate(() => {
        this.#flush = undefined;
        this.#releaseAll();
      });
    }
  }

  #releaseAll(): void {
    for (const close of this.#graveyard.splice(0)) {
      try {
        close();
      } catch (err) {
        this.#logger.debug({ err }, 'releasing a PC/SC object failed');
      }
    }
  }
}
