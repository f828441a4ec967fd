/**
 * A simulated OSDP peripheral device (a card reader with keypad, LED and buzzer) built on lib/osdp, for
 * tests and benchmarks. It answers commands addressed to it; what it should report (cards, keys,
 * tamper, power) is queued by the test and handed out on POLL, one report per poll as real readers do.
 * Keys: a set SCBK, or install mode (accepts the well-known SCBK-D until a KEYSET stores a key).
 * Misbehaviours for the driver's tests: `silent` (stops answering) and `downgrade` (answers unsecured
 * after having been secured, the known OSDP downgrade attack). Serial I/O lives in osdp-bus.ts.
 */
import { randomBytes } from 'node:crypto';
import { OsdpCommand, OsdpNakReason, OsdpReply, OsdpScbType } from '../../lib/osdp/codes.ts';
import { OsdpPayloadError } from '../../lib/osdp/errors.ts';
import { encodeFrame, OSDP_BROADCAST, type OsdpFrame } from '../../lib/osdp/frame.ts';
import {
  decodeBuzzer,
  decodeComSet,
  decodeKeySet,
  decodeLed,
  encodeComSet,
  encodeKeypad,
  encodeLocalStatus,
  encodePdCap,
  encodePdId,
  encodeRawCard,
  type OsdpBuzzerCommand,
  type OsdpComSettings,
  type OsdpLedCommand,
} from '../../lib/osdp/messages.ts';
import { SCBK_D } from '../../lib/osdp/secure-crypto.ts';
import { PdSecureSession } from '../../lib/osdp/secure-session.ts';

export interface SimulatedPdOptions {
  address: number;
  /** The PD's Secure Channel Base Key; none = it has never been given one. */
  scbk?: Buffer;
  /** Accepts SCBK-D (a factory-fresh reader). Cleared by KEYSET. */
  installMode?: boolean;
  /** 8 bytes: vendor + serial, sent in CCRYPT. */
  clientUid?: Buffer;
}

interface Report {
  code: number;
  data: Buffer;
}

export class SimulatedPd {
  readonly address: number;
  scbk: Buffer | undefined;
  installMode: boolean;
  /** LED and buzzer commands received, for the test to assert. */
  readonly leds: OsdpLedCommand[] = [];
  readonly buzzers: OsdpBuzzerCommand[] = [];
  readonly comSets: OsdpComSettings[] = [];
  /** Every command code received (after decryption), in order. */
  readonly commands: number[] = [];
  /** Secure channel challenges received (each a connection attempt by the controller). */
  challenges = 0;
  /** Stops answering (a cut cable, a dead reader). */
  silent = false;
  /** Replies BUSY to this many commands (a reader busy with a card) before answering normally. */
  busyReplies = 0;
  /** Answers unsecured even when secured: what a man in the middle stripping the channel does. */
  downgrade = false;
  readonly #session: PdSecureSession;
  readonly #reports: Report[] = [];
  #last: { command: Buffer; reply: Buffer } | undefined;
  #tamper = false;
  #powerFailure = false;

  constructor(options: SimulatedPdOptions) {
    this.address = options.address;
    this.scbk = options.scbk;
    this.installMode = options.installMode ?? false;
    this.#session = new PdSecureSession(options.clientUid ?? randomBytes(8));
  }

  get secured(): boolean {
    return this.#session.established;
  }

  /** Queues a card read: the card's bits MSB first (`bits` defaults to every bit of `data`). */
  present(data: Buffer | string, bits?: number): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'hex') : data;
    this.#reports.push({
      code: OsdpReply.RAW,
      data: encodeRawCard({ reader: 0, format: 0, bits: bits ?? bytes.length * 8, data: bytes }),
    });
  }

  /** Queues keypad presses ('0'-'9', '*', '#'). */
  press(keys: string): void {
    this.#reports.push({ code: OsdpReply.KEYPPAD, data: encodeKeypad({ reader: 0, keys }) });
  }

  /** Changes tamper without queuing a report (the state a reader is in when the panel starts). */
  startTampered(): void {
    this.#tamper = true;
  }

  setTamper(tamper: boolean): void {
    this.#tamper = tamper;
    this.#queueStatus();
  }

  setPowerFailure(failure: boolean): void {
    this.#powerFailure = failure;
    this.#queueStatus();
  }

  /** Answers a frame seen on the bus; undefined = stay quiet (not ours, or silent). */
  handle(frame: OsdpFrame): Buffer | undefined {
    if (frame.reply || (frame.address !== this.address && frame.address !== OSDP_BROADCAST)) return undefined;
    if (this.silent) return undefined;
    // The same packet again (same SQN): the controller missed our reply, so it gets the same reply.
    if (frame.sqn !== 0 && this.#last?.command.equals(frame.raw)) return this.#last.reply;
    const reply = this.#answer(frame);
    this.#last = { command: frame.raw, reply };
    return reply;
  }

  #answer(frame: OsdpFrame): Buffer {
    // SQN 0 is how a controller restarts a link: whatever session there was is gone.
    if (frame.sqn === 0 && !frame.scb) this.#session.reset();
    const reply = (code: number, data: Buffer = Buffer.alloc(0), scb?: { type: number; data: Buffer }) =>
      encodeFrame({ address: this.address, reply: true, sqn: frame.sqn, crc: true, scb, code, data });
    const nak = (reason: number) => reply(OsdpReply.NAK, Buffer.from([reason]));

    const scbType = frame.scb?.type;
    if (scbType === OsdpScbType.CHLNG) return this.#onChallenge(frame, reply, nak);
    if (scbType === OsdpScbType.SCRYPT) {
      try {
        const rmac = this.#session.onServerCryptogram(frame);
        return reply(OsdpReply.RMAC_I, rmac.data, rmac.scb);
      } catch {
        return nak(OsdpNakReason.SECURITY_CONDITION);
      }
    }
    let data = frame.data;
    const secure = scbType === OsdpScbType.CMD_MAC || scbType === OsdpScbType.CMD_ENC;
    if (secure) {
      try {
        data = this.#session.openCommand(frame);
      } catch {
        this.#session.reset();
        return nak(OsdpNakReason.SECURITY_CONDITION);
      }
    } else if (this.#session.established) {
      // A plain command to a secured reader ends the session (the reader goes back to plain).
      this.#session.reset();
    }
    this.commands.push(frame.code);
    const busy = this.busyReplies > 0 && frame.code !== OsdpCommand.POLL;
    if (busy) this.busyReplies--;
    const [code, payload] = busy
      ? [OsdpReply.BUSY, Buffer.alloc(0)]
      : this.#execute(frame.code, data, secure);
    if (secure && this.#session.established && !this.downgrade)
      return this.#session.sealReply({ address: this.address, sqn: frame.sqn, crc: true }, code, payload);
    return reply(code, payload);
  }

  #onChallenge(
    frame: OsdpFrame,
    reply: (code: number, data: Buffer, scb?: { type: number; data: Buffer }) => Buffer,
    nak: (reason: number) => Buffer,
  ): Buffer {
    this.challenges++;
    const wanted = PdSecureSession.requestedKey(frame);
    const key = wanted === 'scbk' ? this.scbk : this.installMode ? SCBK_D : undefined;
    if (!key) return nak(OsdpNakReason.SECURITY_CONDITION);
    try {
      const ccrypt = this.#session.onChallenge(frame, key);
      return reply(OsdpReply.CCRYPT, ccrypt.data, ccrypt.scb);
    } catch {
      return nak(OsdpNakReason.SECURITY_CONDITION);
    }
  }

  #execute(code: number, data: Buffer, secure: boolean): [number, Buffer] {
    const ack: [number, Buffer] = [OsdpReply.ACK, Buffer.alloc(0)];
    try {
      switch (code) {
        case OsdpCommand.POLL: {
          const next = this.#reports.shift();
          return next ? [next.code, next.data] : ack;
        }
        case OsdpCommand.ID:
          return [
            OsdpReply.PDID,
            encodePdId({ vendor: '5A5A5A', model: 1, version: 1, serial: this.address, firmware: '1.0.0' }),
          ];
        case OsdpCommand.CAP:
          // Card data format (3), reader LED (4), buzzer (5), communication security (9).
          return [OsdpReply.PDCAP, encodePdCap([3, 4, 5, 9].map((fn) => ({ fn, compliance: 1, count: 1 })))];
        case OsdpCommand.LSTAT:
          return [
            OsdpReply.LSTATR,
            encodeLocalStatus({ tamper: this.#tamper, powerFailure: this.#powerFailure }),
          ];
        case OsdpCommand.LED:
          this.leds.push(...decodeLed(data));
          return ack;
        case OsdpCommand.BUZ:
          this.buzzers.push(decodeBuzzer(data));
          return ack;
        case OsdpCommand.COMSET: {
          const settings = decodeComSet(data);
          this.comSets.push(settings);
          return [OsdpReply.COM, encodeComSet(settings)];
        }
        case OsdpCommand.KEYSET:
          // A key travels only inside an established secure channel.
          if (!secure) return [OsdpReply.NAK, Buffer.from([OsdpNakReason.SECURITY_CONDITION])];
          this.scbk = decodeKeySet(data);
          this.installMode = false;
          return ack;
        default:
          return [OsdpReply.NAK, Buffer.from([OsdpNakReason.UNKNOWN_COMMAND])];
      }
    } catch (err) {
      if (err instanceof OsdpPayloadError)
        return [OsdpReply.NAK, Buffer.from([OsdpNakReason.COMMAND_LENGTH])];
      throw err;
    }
  }

  #queueStatus(): void {
    this.#reports.push({
      code: OsdpReply.LSTATR,
      data: encodeLocalStatus({ tamper: this.#tamper, powerFailure: this.#powerFailure }),
    });
  }
}
