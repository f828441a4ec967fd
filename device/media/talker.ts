import type { Clock } from '../../lib/clock/clock.ts';

/**
 * Turns the audio of whoever is the talker into one continuous Opus RTP stream for the speaker
 * pipeline: fixed SSRC and payload type, sequence numbers and timestamps that carry on across a change
 * of talker (the speaker's jitter buffer would otherwise see a new stream, or a huge jump, and stall).
 */
export class TalkerRestamper {
  readonly #clock: Clock;
  readonly #ssrc: number;
  readonly #payloadType: number;
  #sourceKey: string | undefined;
  #seqOffset = 0;
  #tsOffset = 0;
  #lastSeq = 0;
  #lastTs = 0;
  #lastAt = 0;
  #started = false;

  constructor(options: { clock: Clock; ssrc: number; payloadType: number }) {
    this.#clock = options.clock;
    this.#ssrc = options.ssrc;
    this.#payloadType = options.payloadType;
  }

  /**
   * A re-stamped copy of `packet` (the input buffer is left alone), or undefined when it is not RTP.
   * `source` names the incoming stream (peer + SSRC); a new source starts where the last one ended.
   */
  restamp(packet: Buffer, source: string): Buffer | undefined {
    if (packet.length < 12 || packet[0]! >> 6 !== 2) return undefined;
    const seq = packet.readUInt16BE(2);
    const ts = packet.readUInt32BE(4);
    const now = this.#clock.monotonic();
    if (source !== this.#sourceKey) {
      this.#sourceKey = source;
      const nextSeq = this.#started ? (this.#lastSeq + 1) & 0xffff : seq;
      // 48 kHz: the wall time since the last packet, at least one 20 ms frame.
      const gap = Math.max(960, Math.round((now - this.#lastAt) * 48));
      const nextTs = this.#started ? (this.#lastTs + gap) >>> 0 : ts;
      this.#seqOffset = (nextSeq - seq) & 0xffff;
      this.#tsOffset = (nextTs - ts) >>> 0;
      this.#started = true;
    }
    const out = Buffer.from(packet);
    out[1] = (out[1]! & 0x80) | this.#payloadType;
    this.#lastSeq = (seq + this.#seqOffset) & 0xffff;
    this.#lastTs = (ts + this.#tsOffset) >>> 0;
    this.#lastAt = now;
    out.writeUInt16BE(this.#lastSeq, 2);
    out.writeUInt32BE(this.#lastTs, 4);
    out.writeUInt32BE(this.#ssrc >>> 0, 8);
    return out;
  }
}
