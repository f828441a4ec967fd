/**
 * Watches one nfc-pcsc reader and turns its events into ours: reads the UID with GET DATA, normalizes
 * UID and ATR, and routes every error nfc-pcsc or pcsclite can raise to `onError` (none may be lost, and
 * an unhandled 'error' event would kill the process).
 */
import type { Clock } from '../../lib/clock/clock.ts';
import { HardwareError, ValidationError } from '../../lib/errors.ts';
import { openPcscCardChannel } from './pcsc-card-channel.ts';
import { asError, type NfcCard, type NfcReader } from './pcsc-lib.ts';
import type { CardPresented, SecureCardOutcome, SecureCardReader } from './types.ts';
import { normalizeAtr, normalizeUid } from './uid.ts';

/** PC/SC part 3 GET DATA, P1=00: the UID of the card in the field. */
const GET_DATA_UID = Buffer.from([0xff, 0xca, 0x00, 0x00, 0x00]);
/** 10-byte UID + SW1 SW2, with room to spare for readers that pad. */
const GET_DATA_MAX_RESPONSE = 32;

export interface ReaderSink {
  card(card: CardPresented): void;
  removed(reader: string): void;
  error(reader: string, error: Error): void;
  /** The reader is gone (unplugged, or its daemon died). */
  end(reader: string): void;
}

export class PcscReaderWatch {
  readonly name: string;
  readonly #reader: NfcReader;
  readonly #clock: Clock;
  readonly #sink: ReaderSink;
  readonly #release: (close: () => void) => void;
  readonly #secureRead: SecureCardReader | undefined;
  #closed = false;
  #released = false;
  /** A `card` was emitted and its `card.removed` is still owed. */
  #cardReported = false;
  /** Counts card removals: a secure read that outlives its card reports nothing. */
  #removals = 0;

  /**
   * `release` runs the native close later, outside any pcsclite callback: pcsclite holds the reader's
   * mutex while it calls our listeners, and closing the reader there takes the same mutex (deadlock).
   */
  constructor(
    reader: NfcReader,
    clock: Clock,
    sink: ReaderSink,
    release: (close: () => void) => void,
    secureRead?: SecureCardReader,
  ) {
    this.name = reader.name;
    this.#secureRead = secureRead;
    this.#reader = reader;
    this.#clock = clock;
    this.#sink = sink;
    this.#release = release;
    reader.autoProcessing = false;
    const emit = reader.emit.bind(reader);
    reader.emit = (event: unknown, ...args: unknown[]): boolean => {
      if (typeof event === 'string' || typeof event === 'symbol') return emit(event, ...args);
      this.#error(event);
      return true;
    };
    // Stays attached after close: a closed pcsclite reader can still report its cancellation.
    reader.on('error', (err) => this.#error(err));
    reader.on('card', (card) => this.#onCard(card));
    reader.on('card.off', () => this.#onCardOff());
    reader.on('end', () => {
      if (this.#closed) return;
      this.#onCardOff();
      this.#closed = true;
      this.#sink.end(this.name);
    });
  }

  /** Whether a card is on the reader as far as listeners know (a `card.removed` is pending). */
  get cardReported(): boolean {
    return this.#cardReported;
  }

  /** Stops reporting now and hands the pcsclite reader to `release`. Idempotent. */
  close(): void {
    if (this.#closed && this.#released) return;
    this.#closed = true;
    this.#released = true;
    this.#cardReported = false;
    this.#release(() => this.#reader.close());
  }

  // The path from here to sink.card has one await point (the GET DATA round trip) and, for a secure
  // card read, the card's own round trips: no timers.
  #onCard(card: NfcCard): void {
    if (this.#closed) return;
    const at = this.#clock.monotonic();
    let atr: string;
    try {
      atr = card.atr && card.atr.length > 0 ? normalizeAtr(card.atr) : '';
    } catch (err) {
      this.#error(err);
      return;
    }
    let response: Promise<Buffer>;
    try {
      response = this.#reader.transmit(GET_DATA_UID, GET_DATA_MAX_RESPONSE);
    } catch (err) {
      this.#error(new HardwareError(`reader "${this.name}": could not send GET DATA`, { cause: err }));
      return;
    }
    response.then(
      (data) => this.#onUid(data, atr, at),
      (err: unknown) =>
        this.#error(new HardwareError(`reader "${this.name}": reading the card UID failed`, { cause: err })),
    );
  }

  #onUid(data: Buffer, atr: string, at: number): void {
    if (this.#closed) return;
    if (data.length < 2) {
      this.#error(new HardwareError(`reader "${this.name}": GET DATA answered ${data.length} bytes`));
      return;
    }
    const status = data.readUInt16BE(data.length - 2);
    if (status !== 0x9000) {
      const sw = status.toString(16).toUpperCase().padStart(4, '0');
      this.#error(new HardwareError(`reader "${this.name}": GET DATA failed with status ${sw}`));
      return;
    }
    let uid: string;
    try {
      uid = normalizeUid(data.subarray(0, -2));
    } catch (err) {
      this.#error(err);
      return;
    }
    if (this.#secureRead) {
      void this.#readSecurely(this.#secureRead, uid, atr, at);
      return;
    }
    this.#cardReported = true;
    this.#sink.card({ uid, atr, reader: this.name, at });
  }

  /**
   * The secure card read (a few APDU round trips, a few ms) while the card is still in the field; the
   * card is reported with its outcome. A read that throws is `card_error`: it never opens a secure door.
   */
  async #readSecurely(secureRead: SecureCardReader, uid: string, atr: string, at: number): Promise<void> {
    const removals = this.#removals;
    const channel = openPcscCardChannel(this.#reader);
    let secure: SecureCardOutcome | undefined;
    try {
      secure = await secureRead(this.name, uid, channel);
    } catch {
      secure = { ok: false, reason: 'card_error' };
    } finally {
      channel.close();
    }
    // Gone before it was read: like a card that left before GET DATA answered, it is no tap.
    if (this.#closed || this.#removals !== removals) return;
    this.#cardReported = true;
    this.#sink.card({ uid, atr, reader: this.name, at, ...(secure ? { secure } : {}) });
  }

  #onCardOff(): void {
    this.#removals++;
    if (this.#closed || !this.#cardReported) return;
    this.#cardReported = false;
    this.#sink.removed(this.name);
  }

  #error(err: unknown): void {
    if (this.#closed) return;
    const error =
      err instanceof ValidationError || err instanceof HardwareError
        ? err
        : new HardwareError(`reader "${this.name}": ${asError(err).message}`, { cause: err });
    this.#sink.error(this.name, error);
  }
}
