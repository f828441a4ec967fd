/** Contactless card readers (PC/SC today, serial readers later), as the access module sees them. */
export interface CardPresented {
  /** Normalized upper-case hex UID, 4, 7 or 10 bytes. */
  uid: string;
  /** Upper-case hex ATR as reported by the reader ("" where the reader has none). */
  atr: string;
  /** Name of the physical reader that saw the card. */
  reader: string;
  /** Monotonic ms when the driver received the card. */
  at: number;
}

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
}
