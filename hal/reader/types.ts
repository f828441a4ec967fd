/** Contactless card readers (PC/SC over USB, OSDP over RS-485), as the access module sees them. */
import type { CardChannel } from '../../lib/cards/card-channel.ts';

export interface CardPresented {
  /**
   * Normalized upper-case hex UID, 4, 7 or 10 bytes. OSDP readers report card bits instead: there it is
   * the upper-case hex of those bits as sent (MSB first, the last byte zero-padded), and `bits` says how
   * many of them count.
   */
  uid: string;
  /** Upper-case hex ATR as reported by the reader ("" where the reader has none). */
  atr: string;
  /** Name of the physical reader that saw the card. */
  reader: string;
  /** Monotonic ms when the driver received the card. */
  at: number;
  /** Number of card data bits (OSDP RAW reports); absent where the reader reports a UID. */
  bits?: number;
  /** true when the report came over an authenticated, encrypted reader link (OSDP Secure Channel). */
  secureLink?: boolean;
  /**
   * The secure card read (buildings in a secure card mode; docs/secure-cards.md), done by the driver
   * while the card was in the field; absent where the reader's doors decide by UID.
   */
  secure?: SecureCardOutcome;
}

/**
 * Runs the secure card read for a card on `reader` over `channel` (pass-through APDUs to the card), or
 * returns undefined where the reader's doors decide by UID. Given to drivers that can talk to the card
 * (PC/SC); the panel decides which keys and which mode (device/access).
 */
export type SecureCardReader = (
  reader: string,
  uid: string,
  channel: CardChannel,
) => Promise<SecureCardOutcome | undefined>;

/** What a secure card read found: the card proved the building's key and gave its credential, or not. */
export type SecureCardOutcome =
  | { ok: true; credential: string }
  | { ok: false; reason: 'card_not_authentic' | 'no_application' | 'card_error' };

/** Keys pressed on a reader's keypad ('0'-'9', '*', '#'), as the reader reported them together. */
export interface KeypadInput {
  reader: string;
  keys: string;
  at: number;
}

export interface ReaderTamper {
  reader: string;
  tamper: boolean;
}

export interface ReaderPower {
  reader: string;
  powerFailure: boolean;
}

/**
 * A reader link that should be secure is not: `wrong_key` (the reader proves another key),
 * `secure_refused` (it refuses the secure channel), `downgrade` (an unsecured reply after securing: its
 * data is dropped), `mac_mismatch` (a reply failed its MAC: forged or corrupted in a way the CRC missed),
 * `keyset_failed` (install mode could not hand the reader its key).
 */
export interface ReaderSecurityAlarm {
  reader: string;
  alarm: 'wrong_key' | 'secure_refused' | 'downgrade' | 'mac_mismatch' | 'keyset_failed';
  message: string;
}

/** What a reader shows and sounds after a decision. */
export type ReaderFeedback = 'grant' | 'deny';

export interface CardRemoved {
  reader: string;
}

export interface ReaderStatus {
  reader: string;
}

export interface ReaderErrorEvent {
  /** Reader name, or undefined for errors of the whole subsystem (daemon down). */
  reader?: string;
  error: Error;
}

export type CardReaderEvents = {
  card: CardPresented;
  'card.removed': CardRemoved;
  'reader.attached': ReaderStatus;
  'reader.detached': ReaderStatus;
  error: ReaderErrorEvent;
  /** Readers with a keypad (OSDP). */
  keypad: KeypadInput;
  'reader.tamper': ReaderTamper;
  'reader.power': ReaderPower;
  'reader.security': ReaderSecurityAlarm;
};

export interface CardReaderDriver {
  readonly kind: string;
  on<K extends keyof CardReaderEvents>(
    event: K,
    listener: (payload: CardReaderEvents[K]) => void,
  ): () => void;
  /** Starts watching; resolves once the driver is listening (readers may attach later). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Names of readers currently attached. */
  attachedReaders(): string[];
  /**
   * Shows a decision on the reader (LED colour and buzzer), where the reader can; resolves once the
   * reader acknowledged it. Drivers whose readers have no LED or buzzer (PC/SC, sim) leave it out.
   */
  feedback?(reader: string, signal: ReaderFeedback): Promise<void>;
}
