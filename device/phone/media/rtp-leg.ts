/**
 * The phone call's RTP: plain RTP/AVP with G.711 (µ-law or A-law, as answered) and RFC 4733 events, on
 * one UDP socket. Sends the prompt, then the visitor's microphone, in 20 ms frames paced by the Clock;
 * receives the phone's audio (to the speaker and through the in-band DTMF detector) and its telephone
 * events. Only packets from the answered address and port are accepted: anybody else who finds the port
 * cannot inject digits (a digit opens the door).
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { randomSsrc } from '../../../hal/camera/ports.ts';
import type { Clock, TimerHandle } from '../../../lib/clock/clock.ts';
import { ValidationError } from '../../../lib/errors.ts';
import { SafeEmitter } from '../../../lib/events.ts';
import { readRtpHeader } from '../../media/rtp.ts';
import type { G711Codec, PhoneMediaEvents, PhoneMediaLeg, PhoneMediaRemote, PhonePrompt } from '../types.ts';
import { codecOfPayloadType, decodeG711, encodeG711, G711_PAYLOAD_TYPE, s16leToSamples } from './g711.ts';
import { DtmfDetector } from './goertzel.ts';
import { MAX_PROMPT_BYTES, phoneMediaRemoteSchema } from './remote-schema.ts';
import { TelephoneEventReceiver } from './rfc4733.ts';

export const FRAME_MS = 20;
/**
 * In-band digits are ignored while, and this long after, the audio we send holds a DTMF tone: a visitor
 * who plays a tone into the panel's microphone must not open the door through the phone's echo (line
 * echo of an analogue hybrid, a speakerphone's acoustic echo; satellite paths reach ~600 ms).
 */
export const ECHO_GUARD_MS = 1000;
export const FRAME_SAMPLES = 160;
export { MAX_PROMPT_BYTES, phoneMediaRemoteSchema };
export interface PhoneRtpLegOptions {
  /** Local address to bind (port 0: the kernel picks). */
  address: string;
  clock: Clock;
  /** The phone's audio packets (G.711 RTP, as received), for the speaker. */
  onPhoneAudio?: (packet: Buffer, codec: G711Codec) => void;
  /** Microphone audio queued beyond this is dropped, oldest first, so delay cannot build up (default 120). */
  maxMicQueueMs?: number;
}

export interface PhoneLegStats {
  packetsIn: number;
  packetsOut: number;
  /** From an address other than the answered one (or before the answer). */
  dropped: number;
  malformed: number;
  /** From the phone but neither G.711 nor its telephone-event type (e.g. comfort noise). */
  ignored: number;
  /** Frames sent as silence because the microphone had nothing ready. */
  silenceFrames: number;
  micDroppedMs: number;
  /** In-band digits ignored because our own outgoing audio held a DTMF tone just before (echo). */
  echoSuppressed: number;
}

export class PhoneRtpLeg implements PhoneMediaLeg {
  readonly events = new SafeEmitter<PhoneMediaEvents>();
  readonly local: { address: string; port: number };
  readonly #o: PhoneRtpLegOptions;
  readonly #socket: Socket;
  readonly #ssrc = randomSsrc();
  readonly #seq0 = randomUint(0x10000);
  readonly #ts0 = randomUint(0x1_0000_0000);
  readonly #stats: PhoneLegStats = {
    packetsIn: 0,
    packetsOut: 0,
    dropped: 0,
    malformed: 0,
    ignored: 0,
    silenceFrames: 0,
    micDroppedMs: 0,
    echoSuppressed: 0,
  };
  readonly #events: TelephoneEventReceiver;
  readonly #tones: DtmfDetector;
  /** Watches what we send, for the echo guard. */
  readonly #sentTones: DtmfDetector;
  #lastSentToneAt = Number.NEGATIVE_INFINITY;
  #remote: PhoneMediaRemote | undefined;
  #remoteAddress = '';
  #prompt: Int16Array = new Int16Array(0);
  #promptAt = 0;
  #mic: Int16Array[] = [];
  #micSamples = 0;
  #framesSent = 0;
  #startedAt = 0;
  #timer: TimerHandle | undefined;
  #closed: Promise<void> | undefined;

  private constructor(socket: Socket, options: PhoneRtpLegOptions) {
    this.#socket = socket;
    this.#o = options;
    const { address, port } = socket.address();
    this.local = { address, port };
    this.#events = new TelephoneEventReceiver({
      clock: options.clock,
      onDigit: (digit) => this.events.emit('digit', { digit, source: 'rfc4733' }),
    });
    this.#tones = new DtmfDetector((digit) => {
      if (options.clock.monotonic() - this.#lastSentToneAt < ECHO_GUARD_MS) this.#stats.echoSuppressed++;
      else this.events.emit('digit', { digit, source: 'inband' });
    });
    this.#sentTones = new DtmfDetector(() => {}, {
      onWindow: (digit) => {
        if (digit !== null) this.#lastSentToneAt = options.clock.monotonic();
      },
    });
    socket.on('message', (packet, from) => this.#onPacket(packet, from));
  }

  static async open(options: PhoneRtpLegOptions): Promise<PhoneRtpLeg> {
    const socket = createSocket({ type: isIPv6(options.address) ? 'udp6' : 'udp4' });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, options.address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    // Sends to an unreachable phone fail asynchronously (ICMP): nothing to do but keep going.
    socket.on('error', () => {});
    return new PhoneRtpLeg(socket, options);
  }

  start(remote: PhoneMediaRemote, prompt?: PhonePrompt): void {
    if (this.#closed) throw new ValidationError('the phone media leg is closed');
    if (this.#remote) throw new ValidationError('the phone media leg has already started');
    const parsed = phoneMediaRemoteSchema.safeParse(remote);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(remote)'}: ${i.message}`);
      throw new ValidationError(`invalid phone media remote: ${issues.join('; ')}`, issues);
    }
    if (prompt && prompt.pcm.length > MAX_PROMPT_BYTES) {
      throw new ValidationError(`the prompt is longer than ${MAX_PROMPT_BYTES / 16000} s`);
    }
    if (isIPv6(parsed.data.address) !== isIPv6(this.local.address)) {
      throw new ValidationError(
        `the phone's media address ${parsed.data.address} is not reachable from ${this.local.address}`,
      );
    }
    // Compared with each packet's source as Node reports it: IPv6 in its canonical (compressed) form.
    this.#remoteAddress = canonicalAddress(parsed.data.address);
    this.#remote = parsed.data;
    this.#prompt = prompt ? s16leToSamples(prompt.pcm) : new Int16Array(0);
    this.#startedAt = this.#o.clock.monotonic();
    this.#tick();
  }

  /** The visitor's microphone, 8 kHz mono S16LE; used once the prompt has played, dropped before. */
  pushMicrophone(pcm8kS16le: Buffer): void {
    if (!this.#remote || this.#closed || this.#promptAt < this.#prompt.length) return;
    const samples = s16leToSamples(pcm8kS16le);
    this.#mic.push(samples);
    this.#micSamples += samples.length;
    const max = ((this.#o.maxMicQueueMs ?? 120) * 8000) / 1000;
    while (this.#micSamples > max && this.#mic.length > 1) {
      const dropped = this.#mic.shift()!;
      this.#micSamples -= dropped.length;
      this.#stats.micDroppedMs += dropped.length / 8;
    }
  }

  stats(): PhoneLegStats {
    return { ...this.#stats };
  }

  close(): Promise<void> {
    this.#closed ??= new Promise((resolve) => {
      this.#o.clock.clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#events.close();
      this.#socket.close(() => resolve());
    });
    return this.#closed;
  }

  /** Sends every frame that is due (a late timer catches up, at most 3 frames at once), then re-arms. */
  #tick(): void {
    if (this.#closed || !this.#remote) return;
    const elapsed = this.#o.clock.monotonic() - this.#startedAt;
    const due = Math.floor(elapsed / FRAME_MS) + 1;
    // Far behind (a stalled event loop): skip the frames that are too late to matter; the timestamp
    // still advances with time, so the phone's jitter buffer sees a gap, not a speed-up.
    if (due - this.#framesSent > 3) this.#framesSent = due - 3;
    while (this.#framesSent < due) this.#sendFrame();
    const next = this.#startedAt + this.#framesSent * FRAME_MS;
    this.#timer = this.#o.clock.setTimeout(() => this.#tick(), Math.max(0, next - this.#o.clock.monotonic()));
  }

  #sendFrame(): void {
    const remote = this.#remote!;
    const n = this.#framesSent++;
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = (n === 0 ? 0x80 : 0) | G711_PAYLOAD_TYPE[remote.codec];
    header.writeUInt16BE((this.#seq0 + this.#stats.packetsOut) & 0xffff, 2);
    header.writeUInt32BE((this.#ts0 + n * FRAME_SAMPLES) >>> 0, 4);
    header.writeUInt32BE(this.#ssrc, 8);
    const frame = this.#nextFrame();
    this.#sentTones.push(frame);
    const payload = encodeG711(remote.codec, frame);
    this.#socket.send(Buffer.concat([header, payload]), remote.port, remote.address);
    this.#stats.packetsOut++;
  }

  /** 160 samples: the prompt while it lasts, then the microphone, or silence when it is late. */
  #nextFrame(): Int16Array {
    const frame = new Int16Array(FRAME_SAMPLES);
    if (this.#promptAt < this.#prompt.length) {
      const part = this.#prompt.subarray(this.#promptAt, this.#promptAt + FRAME_SAMPLES);
      frame.set(part);
      this.#promptAt += part.length;
      return frame;
    }
    if (this.#micSamples < FRAME_SAMPLES) {
      this.#stats.silenceFrames++;
      return frame;
    }
    let filled = 0;
    while (filled < FRAME_SAMPLES) {
      const chunk = this.#mic[0]!;
      const take = Math.min(chunk.length, FRAME_SAMPLES - filled);
      frame.set(chunk.subarray(0, take), filled);
      filled += take;
      if (take === chunk.length) this.#mic.shift();
      else this.#mic[0] = chunk.subarray(take);
    }
    this.#micSamples -= FRAME_SAMPLES;
    return frame;
  }

  #onPacket(packet: Buffer, from: RemoteInfo): void {
    const remote = this.#remote;
    if (
      !remote ||
      this.#closed ||
      canonicalAddress(from.address) !== this.#remoteAddress ||
      from.port !== remote.port
    ) {
      this.#stats.dropped++;
      return;
    }
    const header = readRtpHeader(packet);
    if (!header) {
      this.#stats.malformed++;
      return;
    }
    this.#stats.packetsIn++;
    const payload = packet.subarray(header.payloadOffset, header.payloadOffset + header.payloadLength);
    if (remote.telephoneEventPt !== null && header.payloadType === remote.telephoneEventPt) {
      this.#events.push(header.ssrc, header.timestamp, payload);
      return;
    }
    const codec = codecOfPayloadType(header.payloadType);
    if (!codec) {
      this.#stats.ignored++;
      return;
    }
    this.#tones.push(decodeG711(codec, payload));
    this.#o.onPhoneAudio?.(packet, codec);
  }
}

function canonicalAddress(address: string): string {
  return isIPv6(address) ? new URL(`http://[${address}]/`).hostname : address;
}

function randomUint(bound: number): number {
  const buf = new Uint32Array(1);
  crypto.getRandomValues(buf);
  return buf[0]! % bound;
}
