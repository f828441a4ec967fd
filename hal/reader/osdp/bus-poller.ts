/**
 * One RS-485 bus: opens its serial device, then exchanges one packet at a time (OSDP allows a single
 * outstanding command per bus), round-robin over the readers whose backoff has run out, waiting at most
 * the reply timeout for each answer. Bytes that do not parse, replies from the wrong address and late
 * replies are counted and dropped; a lost device detaches its readers and is reopened with backoff.
 * Nothing here throws into the event loop: every failure becomes state and, where useful, an event.
 */
import type { Clock, TimerHandle } from '../../../lib/clock/clock.ts';
import { HardwareError } from '../../../lib/errors.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import { OSDP_MAX_FRAME, type OsdpFrame } from '../../../lib/osdp/frame.ts';
import { OsdpStreamParser } from '../../../lib/osdp/parser.ts';
import type { OsdpTimingOptions } from './options.ts';
import type { PdLink } from './pd-link.ts';
import type { EmitReaderEvent } from './reports.ts';
import type { OpenSerialLink, SerialLink } from './serial-link.ts';

export interface BusPollerDeps {
  path: string;
  baudRate: number;
  links: readonly PdLink[];
  timing: OsdpTimingOptions;
  clock: Clock;
  logger: Logger;
  openLink: OpenSerialLink;
  emit: EmitReaderEvent;
}

export class BusPoller {
  readonly #d: BusPollerDeps;
  readonly #parser = new OsdpStreamParser();
  #serial: SerialLink | undefined;
  #running = false;
  #next = 0;
  #timer: TimerHandle | undefined;
  #openDelay: number;
  #outageReported = false;
  /** The exchange in progress: which reader, and how to finish it. */
  #waiting: { link: PdLink; finish: (frame: OsdpFrame | undefined) => void; receiving: boolean } | undefined;
  /** Bytes that did not parse (noise, corrupt frames), for diagnostics. */
  rejectedFrames = 0;

  constructor(deps: BusPollerDeps) {
    this.#d = deps;
    this.#openDelay = deps.timing.retryInitialMs;
  }

  /** Resolves after the first attempt to open the device; keeps retrying in the background if it failed. */
  async start(): Promise<void> {
    this.#running = true;
    await this.#open();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#d.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    // Dropped, not finished: stopping is quiet (no detach events).
    this.#waiting = undefined;
    const serial = this.#serial;
    this.#serial = undefined;
    for (const link of this.#d.links) link.reset(new HardwareError('the OSDP driver stopped'));
    await serial?.close();
  }

  async #open(): Promise<void> {
    let serial: SerialLink;
    try {
      serial = await this.#d.openLink(this.#d.path, this.#d.baudRate);
    } catch (err) {
      if (!this.#running) return;
      this.#reportOutage(new HardwareError(`cannot open OSDP bus ${this.#d.path}`, { cause: err }));
      this.#schedule(() => void this.#open(), this.#openDelay);
      this.#openDelay = Math.min(this.#openDelay * 2, this.#d.timing.retryMaxMs);
      return;
    }
    if (!this.#running) {
      await serial.close();
      return;
    }
    this.#serial = serial;
    this.#parser.reset();
    this.#openDelay = this.#d.timing.retryInitialMs;
    this.#outageReported = false;
    serial.onData((chunk) => this.#onData(chunk));
    serial.onClose((err) => this.#onClosed(serial, err));
    this.#d.logger.info({ bus: this.#d.path }, 'OSDP bus open');
    this.#step();
  }

  #onClosed(serial: SerialLink, err: Error | undefined): void {
    if (serial !== this.#serial || !this.#running) return;
    this.#serial = undefined;
    this.#d.clock.clearTimeout(this.#timer);
    this.#waiting = undefined;
    const error = new HardwareError(`OSDP bus ${this.#d.path} went away`, { cause: err });
    const now = this.#d.clock.monotonic();
    for (const link of this.#d.links) link.lost(now, error);
    this.#reportOutage(error);
    this.#schedule(() => void this.#open(), this.#openDelay);
  }

  /** Sends the next due reader's packet, or sleeps until one is due. */
  #step(): void {
    if (!this.#running || !this.#serial || this.#waiting) return;
    const now = this.#d.clock.monotonic();
    const links = this.#d.links;
    let link: PdLink | undefined;
    for (let i = 0; i < links.length && !link; i++) {
      const candidate = links[(this.#next + i) % links.length]!;
      if (candidate.isDue(now)) {
        link = candidate;
        this.#next = (this.#next + i + 1) % links.length;
      }
    }
    if (!link) {
      const wake = Math.min(...links.map((l) => l.dueAt)) - now;
      this.#schedule(() => this.#step(), Math.max(1, wake));
      return;
    }
    const current = link;
    const serial = this.#serial;
    this.#waiting = {
      link: current,
      receiving: false,
      finish: (frame) => {
        this.#d.clock.clearTimeout(this.#timer);
        this.#waiting = undefined;
        const at = this.#d.clock.monotonic();
        if (frame) current.onReply(frame, at);
        else {
          // What arrived of a reply is useless now (OSDP's inter-character timeout).
          this.#parser.reset();
          current.onTimeout(at);
        }
        if (!this.#running || serial !== this.#serial) return;
        if (this.#d.timing.pollGapMs > 0) this.#schedule(() => this.#step(), this.#d.timing.pollGapMs);
        else setImmediate(() => this.#step());
      },
    };
    this.#timer = this.#d.clock.setTimeout(
      () => this.#waiting?.finish(undefined),
      this.#d.timing.replyTimeoutMs,
    );
    serial.write(current.nextPacket());
  }

  #onData(chunk: Buffer): void {
    for (const item of this.#parser.push(chunk)) {
      if ('error' in item) {
        this.rejectedFrames++;
        continue;
      }
      const frame = item.frame;
      const waiting = this.#waiting;
      // Our own commands (a half-duplex adapter's echo), other readers' late replies: not this exchange.
      if (!waiting || !frame.reply || frame.address !== waiting.link.address) continue;
      waiting.finish(frame);
    }
    const waiting = this.#waiting;
    if (waiting && !waiting.receiving && this.#parser.pending > 0) {
      // The timeout is for the reply to begin (OSDP: 200 ms); once one is arriving, give a whole packet
      // the time it takes at this baud rate (a long reply at 9600 baud takes longer than 200 ms).
      waiting.receiving = true;
      const frameMs = Math.ceil((OSDP_MAX_FRAME * 10 * 1000) / this.#d.baudRate);
      this.#d.clock.clearTimeout(this.#timer);
      this.#timer = this.#d.clock.setTimeout(
        () => this.#waiting?.finish(undefined),
        this.#d.timing.replyTimeoutMs + frameMs,
      );
    }
  }

  #schedule(fn: () => void, ms: number): void {
    this.#d.clock.clearTimeout(this.#timer);
    this.#timer = this.#d.clock.setTimeout(fn, ms);
  }

  #reportOutage(error: HardwareError): void {
    if (this.#outageReported) return;
    this.#outageReported = true;
    this.#d.logger.warn({ err: error, bus: this.#d.path }, 'OSDP bus unavailable; retrying');
    this.#d.emit('error', { error });
  }
}
