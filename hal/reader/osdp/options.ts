/** What the OSDP driver is told: buses (a serial device each) and the readers on them. */
import type { Clock } from '../../../lib/clock/clock.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import type { OpenSerialLink } from './serial-link.ts';

export interface OsdpReaderOptions {
  /** The name the reader has in events and config (`readers[].name`). */
  name: string;
  /** OSDP address 0-126 (127 is broadcast). */
  address: number;
  /** Secure Channel Base Key, 16 bytes. A secret: never logged, never in errors. */
  scbk?: Buffer | undefined;
  /**
   * Install mode: a reader that refuses our key is given it (secure channel with the well-known SCBK-D,
   * KEYSET, reconnect with the key). Only while installing: anyone on the bus can read SCBK-D traffic.
   */
  installMode?: boolean | undefined;
}

export interface OsdpBusOptions {
  /** Serial device of the RS-485 adapter, e.g. /dev/ttyUSB0 or /dev/serial/by-id/…. */
  path: string;
  baudRate?: number | undefined;
  readers: readonly OsdpReaderOptions[];
}

export interface OsdpTimingOptions {
  /** Wait this long for a reply (OSDP: 200 ms). */
  replyTimeoutMs: number;
  /** A reader is detached after this many missed replies in a row. */
  offlineAfterMisses: number;
  /** First delay before reconnecting a reader (or reopening a bus); doubles per failure. */
  retryInitialMs: number;
  retryMaxMs: number;
  /**
   * Pause after each exchange. Back-to-back polling (0) costs a Pi a few per cent of a core at 115200
   * baud for nothing: a card waits at most this long longer, and the time from the reader's report to the
   * relay does not include it.
   */
  pollGapMs: number;
}

export const OSDP_TIMING_DEFAULTS: OsdpTimingOptions = {
  replyTimeoutMs: 200,
  offlineAfterMisses: 3,
  retryInitialMs: 250,
  retryMaxMs: 5000,
  pollGapMs: 20,
};

export interface OsdpCardReaderOptions extends Partial<OsdpTimingOptions> {
  buses: readonly OsdpBusOptions[];
  clock?: Clock;
  logger?: Logger;
  /** Opens a serial device; replaceable so the poll logic can run without a tty. */
  openLink?: OpenSerialLink;
}
