import type { MediaStreamTrack, RTCRtpSender } from 'werift';
import type { Clock } from '../../lib/clock/clock.ts';

/**
 * One peer's tap on one shared stream (video or audio). Every peer has its own track, fed with
 * `writeRtp` from the same UDP buffer: a werift sender rewrites SSRC, payload type, sequence number and
 * timestamp on its own copy, so the buffer itself is never changed and can go to every peer.
 *
 * A closed outlet sends nothing at all (an audio-only peer gets no video RTP). An outlet that opens, or
 * whose source restarted, skips ahead in the sender's numbering by the time that passed, so the peer sees
 * one continuous stream rather than a jump it would try to NACK; video waits for a keyframe first.
 */
export class RtpOutlet {
  readonly track: MediaStreamTrack;
  readonly #sender: RTCRtpSender;
  readonly #clock: Clock;
  readonly #clockRate: number;
  readonly #keyframes: boolean;
  #open = false;
  #waitingForKeyframe = false;
  #gap = false;
  #lastSentAt = 0;
  packets = 0;

  constructor(options: {
    track: MediaStreamTrack;
    sender: RTCRtpSender;
    clock: Clock;
    clockRate: number;
    /** Video: start only at a keyframe, since a decoder cannot use anything before one. */
    startAtKeyframe: boolean;
  }) {
    this.track = options.track;
    this.#sender = options.sender;
    this.#clock = options.clock;
    this.#clockRate = options.clockRate;
    this.#keyframes = options.startAtKeyframe;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  get waitingForKeyframe(): boolean {
    return this.#open && this.#waitingForKeyframe;
  }

  open(): void {
    if (this.#open) return;
    this.#open = true;
    this.#waitingForKeyframe = this.#keyframes;
    this.#gap = this.packets > 0;
  }

  close(): void {
    this.#open = false;
  }

  /** The source restarted with new sequence numbers and timestamps. */
  sourceChanged(): void {
    if (this.packets > 0) this.#gap = true;
  }

  push(packet: Buffer, keyframeStart: boolean): void {
    if (!this.#open) return;
    if (this.#waitingForKeyframe) {
      if (!keyframeStart) return;
      this.#waitingForKeyframe = false;
    }
    const now = this.#clock.monotonic();
    if (this.#gap) {
      this.#gap = false;
      // Numbering continues from the last packet sent; the timestamp advances by the time that passed.
      const step = Math.max(1, Math.round(((now - this.#lastSentAt) * this.#clockRate) / 1000));
      this.#sender.replaceRTP({ sequenceNumber: 0, timestamp: 0 }, false, step);
    }
    this.#lastSentAt = now;
    this.packets++;
    this.track.writeRtp(packet);
  }
}
