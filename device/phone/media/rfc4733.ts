/**
 * RFC 4733 telephone-events (the DTMF digits a phone sends as RTP rather than as tones). One event is a
 * run of packets that share the RTP timestamp of its start, with a growing duration; the last is sent with
 * the end bit, normally three times. The receiver reports each event once: at its first end packet, or —
 * when the end packets were all lost — after the event's packets have stopped for `lostEndMs`.
 */
import type { Clock, TimerHandle } from '../../../lib/clock/clock.ts';
import { DTMF_DIGITS, type DtmfSymbol } from '../types.ts';

export interface TelephoneEvent {
  /** 0–255; 0–15 are the DTMF symbols (DTMF_DIGITS). */
  event: number;
  end: boolean;
  /** Power level as -dBm0, 0–63. */
  volume: number;
  /** In timestamp units (8 kHz: 1/8 ms) since the event's start. */
  duration: number;
}

/**
 * The payload's first event (RFC 4733 §2.3); undefined when it is not a well-formed payload. A payload
 * may carry further 4-byte blocks (§2.5.1.5 packs several short events): they repeat earlier, already
 * ended events, so only the block for the packet's own timestamp, the first, matters here.
 */
export function parseTelephoneEvent(payload: Uint8Array): TelephoneEvent | undefined {
  if (payload.length < 4 || payload.length % 4 !== 0) return undefined;
  return {
    event: payload[0]!,
    end: (payload[1]! & 0x80) !== 0,
    volume: payload[1]! & 0x3f,
    duration: (payload[2]! << 8) | payload[3]!,
  };
}

export function buildTelephoneEvent(e: TelephoneEvent): Buffer {
  const out = Buffer.alloc(4);
  out[0] = e.event & 0xff;
  out[1] = (e.end ? 0x80 : 0) | (e.volume & 0x3f);
  out.writeUInt16BE(e.duration & 0xffff, 2);
  return out;
}

export interface TelephoneEventReceiverOptions {
  clock: Clock;
  onDigit: (digit: DtmfSymbol) => void;
  /** An event whose packets stop this long without an end bit is reported anyway (default 100 ms). */
  lostEndMs?: number;
}

/** Events already reported, kept so their repeated end packets (and late duplicates) are ignored. */
const REMEMBERED_EVENTS = 32;

export class TelephoneEventReceiver {
  readonly #o: Required<TelephoneEventReceiverOptions>;
  readonly #reported: string[] = [];
  #current: { key: string; digit: DtmfSymbol; timer: TimerHandle } | undefined;
  malformed = 0;
  ignored = 0;

  constructor(options: TelephoneEventReceiverOptions) {
    this.#o = { lostEndMs: 100, ...options };
  }

  /** One telephone-event packet's payload, with its RTP SSRC and timestamp (the event's identity). */
  push(ssrc: number, timestamp: number, payload: Uint8Array): void {
    const event = parseTelephoneEvent(payload);
    if (!event) {
      this.malformed++;
      return;
    }
    const digit = DTMF_DIGITS[event.event];
    if (digit === undefined) {
      this.ignored++;
      return;
    }
    const key = `${ssrc >>> 0}:${timestamp >>> 0}`;
    if (this.#reported.includes(key)) return;
    const current = this.#current;
    // A new event while the previous one never ended: that one is over, its end packets lost.
    if (current && current.key !== key) this.#report(current);
    if (event.end) {
      this.#report(this.#current ?? { key, digit, timer: { id: -1 } });
      return;
    }
    if (this.#current) this.#o.clock.clearTimeout(this.#current.timer);
    const entry = this.#current?.key === key ? this.#current : { key, digit, timer: { id: -1 } };
    entry.timer = this.#o.clock.setTimeout(() => this.#report(entry), this.#o.lostEndMs);
    this.#current = entry;
  }

  close(): void {
    if (this.#current) this.#o.clock.clearTimeout(this.#current.timer);
    this.#current = undefined;
  }

  #report(entry: { key: string; digit: DtmfSymbol; timer: TimerHandle }): void {
    this.#o.clock.clearTimeout(entry.timer);
    if (this.#current === entry || this.#current?.key === entry.key) this.#current = undefined;
    if (this.#reported.includes(entry.key)) return;
    this.#reported.push(entry.key);
    if (this.#reported.length > REMEMBERED_EVENTS) this.#reported.shift();
    this.#o.onDigit(entry.digit);
  }
}
