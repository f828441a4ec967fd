/**
 * One reader (PD) on a bus, as the controller tracks it: connecting (ID with SQN 0, then the Secure
 * Channel handshake where a key is configured, with the install-mode KEYSET hand-over), online (POLL and
 * queued feedback commands, replies turned into events), and offline with backoff. The bus poller asks
 * it for the next packet and tells it what came back; it never touches the wire or a timer itself.
 *
 * No downgrade: a reader with a key is only ever talked to through the secure channel. An unsecured
 * reply, a failed MAC, a wrong key or a refused channel raises `reader.security`, its data is dropped,
 * and the link reconnects (securely) with backoff.
 */
import { HardwareError } from '../../../lib/errors.ts';
import { OsdpCommand, OsdpReply } from '../../../lib/osdp/codes.ts';
import { encodeFrame, type OsdpFrame } from '../../../lib/osdp/frame.ts';
import { encodeKeySet } from '../../../lib/osdp/messages.ts';
import { AcuSecureSession, type HandshakeMessage } from '../../../lib/osdp/secure-session.ts';
import { TokenBucket } from '../../../lib/token-bucket.ts';
import type { ReaderSecurityAlarm } from '../types.ts';
import { CommandQueue, type QueuedCommand } from './command-queue.ts';
import type { OsdpOutgoing } from './feedback.ts';
import type { OsdpReaderOptions, OsdpTimingOptions } from './options.ts';
import { dispatchReport, type EmitReaderEvent, type ReportContext } from './reports.ts';
import { openSecuredReply } from './secured-reply.ts';

type Phase = 'probe' | 'challenge' | 'scrypt' | 'keyset' | 'online';
type Alarm = ReaderSecurityAlarm['alarm'];

export class PdLink {
  readonly name: string;
  readonly address: number;
  readonly #scbk: Buffer | undefined;
  readonly #installMode: boolean;
  readonly #timing: OsdpTimingOptions;
  readonly #emit: EmitReaderEvent;
  #phase: Phase = 'probe';
  #attached = false;
  #misses = 0;
  #sqn = 0;
  #session: AcuSecureSession | undefined;
  /** Install mode: this handshake uses SCBK-D to hand the reader its key. */
  #usingDefaultKey = false;
  /** The reader has proven our key in this process: install mode no longer applies. */
  #provisioned = false;
  #scrypt: HandshakeMessage | undefined;
  #inFlight: { bytes: Buffer; sqn: number; item?: QueuedCommand | undefined } | undefined;
  readonly #queue: CommandQueue;
  #dueAt = 0;
  #retryDelay: number;
  #lastAlarm: Alarm | undefined;
  readonly #status: ReportContext['status'] = {};
  #now = 0;
  readonly #errorBudget = new TokenBucket(1 / 60, () => this.#now, 5);

  constructor(reader: OsdpReaderOptions, timing: OsdpTimingOptions, emit: EmitReaderEvent) {
    this.name = reader.name;
    this.address = reader.address;
    this.#scbk = reader.scbk;
    this.#installMode = reader.installMode === true;
    this.#timing = timing;
    this.#emit = emit;
    this.#retryDelay = timing.retryInitialMs;
    this.#queue = new CommandQueue(reader.name);
  }

  get attached(): boolean {
    return this.#attached;
  }

  isDue(now: number): boolean {
    return now >= this.#dueAt;
  }

  get dueAt(): number {
    return this.#dueAt;
  }

  /** The next packet to send; the same bytes again after a missed reply (OSDP retransmission). */
  nextPacket(): Buffer {
    if (this.#inFlight) return this.#inFlight.bytes;
    const sqn = this.#phase === 'probe' ? 0 : this.#sqn;
    let bytes: Buffer;
    let item: QueuedCommand | undefined;
    const plain = (code: number, data: Buffer, scb?: HandshakeMessage['scb']) =>
      encodeFrame({ address: this.address, reply: false, sqn, crc: true, scb, code, data });
    switch (this.#phase) {
      case 'probe':
        bytes = plain(OsdpCommand.ID, Buffer.from([0]));
        break;
      case 'challenge': {
        this.#session = new AcuSecureSession(this.#usingDefaultKey ? undefined : this.#scbk);
        const chlng = this.#session.challenge();
        bytes = plain(OsdpCommand.CHLNG, chlng.data, chlng.scb);
        break;
      }
      case 'scrypt':
        bytes = plain(OsdpCommand.SCRYPT, this.#scrypt!.data, this.#scrypt!.scb);
        break;
      case 'keyset':
        bytes = this.#session!.sealCommand(this.#base(sqn), OsdpCommand.KEYSET, encodeKeySet(this.#scbk!));
        break;
      case 'online': {
        item = this.#queue.next();
        const { code, data } = item?.command ?? { code: OsdpCommand.POLL, data: Buffer.alloc(0) };
        bytes = this.#session?.established
          ? this.#session.sealCommand(this.#base(sqn), code, data)
          : plain(code, data);
        break;
      }
    }
    this.#inFlight = { bytes, sqn, item };
    return bytes;
  }

  /** No (valid) reply within the reply timeout. */
  onTimeout(now: number): void {
    this.#misses++;
    if (!this.#attached || this.#phase !== 'online' || this.#misses >= this.#timing.offlineAfterMisses)
      this.#reconnect(now, true, new HardwareError(`reader "${this.name}" does not answer`));
  }

  onReply(frame: OsdpFrame, now: number): void {
    const inFlight = this.#inFlight;
    if (!inFlight || frame.sqn !== inFlight.sqn) {
      this.onTimeout(now);
      return;
    }
    this.#inFlight = undefined;
    this.#misses = 0;
    this.#sqn = (inFlight.sqn % 3) + 1;
    switch (this.#phase) {
      case 'probe':
        this.#phase = this.#scbk ? 'challenge' : 'online';
        if (!this.#scbk) this.#goOnline();
        return;
      case 'challenge': {
        this.#onChallengeReply(frame, now);
        return;
      }
      case 'scrypt':
        try {
          this.#session!.onInitialRmac(frame);
        } catch (err) {
          this.#alarm(now, this.#usingDefaultKey ? 'keyset_failed' : 'wrong_key', err);
          return;
        }
        if (this.#usingDefaultKey) this.#phase = 'keyset';
        else this.#goOnline();
        return;
      case 'keyset': {
        const ok = this.#openSecure(frame, now);
        if (ok === undefined) return;
        if (frame.code !== OsdpReply.ACK) {
          this.#alarm(now, 'keyset_failed', 'the reader refused KEYSET');
          return;
        }
        // The reader holds our key now: start again with it, at once.
        this.#usingDefaultKey = false;
        this.#provisioned = true;
        this.#phase = 'probe';
        this.#session = undefined;
        return;
      }
      case 'online': {
        this.#onOnlineReply(frame, now, inFlight.item);
        return;
      }
    }
  }

  /** Queues feedback commands; resolves when the reader has acknowledged all of them. */
  enqueue(commands: readonly OsdpOutgoing[]): Promise<void> {
    if (!this.#attached) return Promise.reject(new HardwareError(`reader "${this.name}" is not attached`));
    return this.#queue.add(commands);
  }

  /** Drops everything (driver stop, bus lost): pending feedback fails, no events. */
  reset(err: Error): void {
    this.#inFlight?.item?.reject(err);
    this.#queue.rejectAll(err);
    this.#inFlight = undefined;
    this.#phase = 'probe';
    this.#session = undefined;
    this.#attached = false;
    this.#misses = 0;
    this.#dueAt = 0;
    this.#retryDelay = this.#timing.retryInitialMs;
  }

  /** The bus went away: detach (with an event) and wait for it to come back. */
  lost(now: number, err: Error): void {
    this.#reconnect(now, true, err);
  }

  #onChallengeReply(frame: OsdpFrame, now: number): void {
    if (frame.code !== OsdpReply.CCRYPT) {
      if (this.#installMode && !this.#usingDefaultKey && !this.#provisioned) {
        // A factory-fresh reader knows only SCBK-D: hand it our key through that.
        this.#usingDefaultKey = true;
        return;
      }
      this.#alarm(now, 'secure_refused', 'the reader refused the secure channel');
      return;
    }
    try {
      this.#scrypt = this.#session!.onClientCryptogram(frame);
      this.#phase = 'scrypt';
    } catch (err) {
      this.#alarm(now, this.#usingDefaultKey ? 'keyset_failed' : 'wrong_key', err);
    }
  }

  #onOnlineReply(frame: OsdpFrame, now: number, item: QueuedCommand | undefined): void {
    let data = frame.data;
    if (this.#scbk) {
      const clear = this.#openSecure(frame, now);
      if (clear === undefined) {
        item?.reject(new HardwareError(`reader "${this.name}" lost its secure channel`));
        return;
      }
      data = clear;
    }
    if (frame.code === OsdpReply.BUSY) {
      // The reader cannot take it now: ask again with the next packet.
      if (item) this.#queue.retry(item);
      return;
    }
    if (item) {
      if (frame.code === OsdpReply.ACK || item.command.code === OsdpCommand.LSTAT) item.resolve();
      else
        item.reject(
          new HardwareError(`reader "${this.name}" refused command 0x${item.command.code.toString(16)}`),
        );
    }
    const malformed = dispatchReport(frame.code, data, {
      reader: this.name,
      now,
      secureLink: this.#scbk !== undefined,
      emit: this.#emit,
      status: this.#status,
    });
    // Anyone on the wires can send well-framed nonsense to an unsecured reader's address: a few
    // reports, then one a minute, so a flood costs neither the log nor the listeners.
    this.#now = now;
    if (malformed && this.#errorBudget.available() >= 1) {
      this.#errorBudget.take(1);
      this.#emit('error', { reader: this.name, error: malformed });
    }
  }

  /** The clear data of a secured reply, or undefined after raising the alarm and reconnecting. */
  #openSecure(frame: OsdpFrame, now: number): Buffer | undefined {
    const opened = openSecuredReply(this.#session, frame);
    if ('data' in opened) return opened.data;
    this.#alarm(now, opened.alarm, opened.message);
    return undefined;
  }

  #goOnline(): void {
    this.#phase = 'online';
    this.#retryDelay = this.#timing.retryInitialMs;
    this.#lastAlarm = undefined;
    if (this.#scbk && !this.#usingDefaultKey) this.#provisioned = true;
    if (!this.#attached) {
      this.#attached = true;
      this.#emit('reader.attached', { reader: this.name });
    }
    // Ask for tamper and power at once: a reader that comes up tampered is news now, not at its next change.
    this.#queue.addFirst({ code: OsdpCommand.LSTAT, data: Buffer.alloc(0) });
  }

  #alarm(now: number, alarm: Alarm, cause: unknown): void {
    // Reported once per kind of trouble, not once per retry; the message never carries key material.
    if (this.#lastAlarm !== alarm) {
      const message = cause instanceof Error ? cause.message : String(cause);
      this.#emit('reader.security', { reader: this.name, alarm, message });
      this.#lastAlarm = alarm;
    }
    this.#reconnect(now, true, undefined);
  }

  #reconnect(now: number, backoff: boolean, err: Error | undefined): void {
    const failure = err ?? new HardwareError(`reader "${this.name}" lost its secure channel`);
    this.#inFlight?.item?.reject(failure);
    this.#queue.rejectAll(failure);
    this.#inFlight = undefined;
    this.#phase = 'probe';
    this.#session = undefined;
    this.#usingDefaultKey = false;
    this.#misses = 0;
    if (this.#attached) {
      this.#attached = false;
      this.#emit('reader.detached', { reader: this.name });
    }
    if (backoff) {
      this.#dueAt = now + this.#retryDelay;
      this.#retryDelay = Math.min(this.#retryDelay * 2, this.#timing.retryMaxMs);
    }
  }

  #base(sqn: number) {
    return { address: this.address, sqn, crc: true };
  }
}
