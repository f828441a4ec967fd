/**
 * The part of nfc-pcsc (and the pcsclite objects under it) the PC/SC driver uses, typed, plus the
 * pcscd reachability probe. nfc-pcsc ships no types and is a native addon, so it is loaded lazily: a
 * panel running simulated readers never loads it.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createConnection } from 'node:net';

export interface NfcCard {
  atr?: Buffer;
  standard?: string;
}

/** An nfc-pcsc Reader (one PC/SC slot). */
export interface NfcReader {
  readonly name: string;
  /** false: nfc-pcsc connects and emits `card` with the ATR only; the driver reads the UID itself. */
  autoProcessing: boolean;
  /**
   * Replaced by the driver: nfc-pcsc calls `this.emit(err)` (the error as the event name) when
   * connecting or disconnecting fails, which no listener could receive.
   */
  emit: (event: unknown, ...args: unknown[]) => boolean;
  on(event: 'card', listener: (card: NfcCard) => void): unknown;
  on(event: 'card.off' | 'end', listener: () => void): unknown;
  on(event: 'error', listener: (err: unknown) => void): unknown;
  transmit(data: Buffer, responseMaxLength: number): Promise<Buffer>;
  close(): void;
}

/** An nfc-pcsc NFC object: one PC/SC context with its reader-list watcher thread. */
export interface NfcContext {
  on(event: 'reader', listener: (reader: NfcReader) => void): unknown;
  on(event: 'error', listener: (err: unknown) => void): unknown;
  close(): void;
}

export type OpenNfcContext = () => NfcContext;

/**
 * Opens a PC/SC context through nfc-pcsc. Only call it after `pcscdReachable` said yes: pcsclite's
 * constructor retries SCardEstablishContext in a busy loop on the main thread while the daemon is down.
 */
export const openNfcPcsc: OpenNfcContext = () => {
  const require = createRequire(import.meta.url);
  const { NFC } = require('nfc-pcsc') as { NFC: new () => NfcContext };
  return new NFC();
};

/** libpcsclite honours PCSCLITE_CSOCK_NAME; otherwise the path compiled into Debian's pcscd. */
export function defaultPcscdSocket(): string {
  return process.env['PCSCLITE_CSOCK_NAME'] ?? '/run/pcscd/pcscd.comm';
}

/**
 * True when pcscd accepts connections on its socket. A SIGKILLed pcscd leaves the socket file behind,
 * so existence is not enough: a refused connection means the daemon is gone.
 */
export function pcscdReachable(socketPath: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(socketPath);
    const done = (up: boolean): void => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Whether a process listens on pcscd's socket right now, read synchronously from /proc/net/unix. Checked
 * in the same tick as opening the context: the asynchronous probe above leaves an event-loop turn in
 * which pcscd can die, and pcsclite's constructor would then spin on the main thread until pcscd is back.
 * Where /proc/net/unix cannot be read, the answer is "yes" (the probe has to do).
 */
export function pcscdListeningNow(socketPath: string): boolean {
  let table: string;
  try {
    table = readFileSync('/proc/net/unix', 'utf8');
  } catch {
    return true;
  }
  const ACCEPTCON = 0x10000;
  for (const line of table.split('\n')) {
    const fields = line.trim().split(/\s+/);
    // Num RefCount Protocol Flags Type St Inode Path
    if (fields[7] === socketPath && (Number.parseInt(fields[3] ?? '0', 16) & ACCEPTCON) !== 0) return true;
  }
  return false;
}

export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
