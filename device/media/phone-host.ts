/**
 * The phone fallback's RTP legs inside the media process, beside the WebRTC peers: every RTP socket of
 * the panel lives here. Feeds the visitor's microphone (8 kHz L16 RTP from the camera pipeline) to the
 * started leg, forwards the phone's G.711 audio to the speaker pipeline, and reports digits to the panel.
 */
import { readFile } from 'node:fs/promises';
import type { Clock } from '../../lib/clock/clock.ts';
import { NotFoundError, ValidationError } from '../../lib/errors.ts';
import { PhoneRtpLeg } from '../phone/media/rtp-leg.ts';
import type { DtmfDigit, PhoneMediaRemote } from '../phone/types.ts';
import { MicMeter } from './mic-meter.ts';
import type { PhonePromptSource, WorkerStats } from './protocol.ts';
import { readRtpHeader } from './rtp.ts';

/** One phone call at a time per panel; a second leg covers a call being torn down as the next starts. */
const MAX_LEGS = 2;

export interface PhoneHostOptions {
  clock: Clock;
  bindAddress: string;
  /** The phone's G.711 RTP, for the speaker pipeline (switched to G.711 by the panel for the call). */
  toSpeaker: (packet: Buffer) => void;
  onDigit: (callId: string, digit: DtmfDigit) => void;
}

export class PhoneHost {
  readonly #o: PhoneHostOptions;
  readonly #legs = new Map<string, PhoneRtpLeg>();
  readonly #started = new Set<string>();
  #micPackets = 0;
  /** The installer's microphone meter reads the same packets. */
  readonly meter: MicMeter;

  constructor(options: PhoneHostOptions) {
    this.#o = options;
    this.meter = new MicMeter(() => options.clock.monotonic());
  }

  /** Whether a started leg has the speaker (the WebRTC talker's audio then stays off it). */
  get active(): boolean {
    return this.#started.size > 0;
  }

  async open(callId: string): Promise<{ address: string; port: number }> {
    if (this.#legs.has(callId)) throw new ValidationError(`phone leg "${callId}" is already open`);
    if (this.#legs.size >= MAX_LEGS) throw new ValidationError(`at most ${MAX_LEGS} phone legs at a time`);
    const leg = await PhoneRtpLeg.open({
      address: this.#o.bindAddress,
      clock: this.#o.clock,
      onPhoneAudio: (packet) => {
        if (this.#started.has(callId)) this.#o.toSpeaker(packet);
      },
    });
    leg.events.on('digit', (digit) => this.#o.onDigit(callId, digit));
    this.#legs.set(callId, leg);
    return leg.local;
  }

  async start(callId: string, remote: PhoneMediaRemote, prompt?: PhonePromptSource): Promise<void> {
    const leg = this.#leg(callId);
    let pcm: Buffer | undefined;
    if (prompt && 'pcmBase64' in prompt) pcm = Buffer.from(prompt.pcmBase64, 'base64');
    else if (prompt) {
      try {
        pcm = await readFile(prompt.file);
      } catch (err) {
        throw new ValidationError(`cannot read the phone prompt ${prompt.file}: ${(err as Error).message}`);
      }
    }
    // The leg may have been closed while the prompt was read.
    if (this.#legs.get(callId) !== leg) throw new NotFoundError(`no open phone leg "${callId}"`);
    leg.start(remote, pcm ? { pcm } : undefined);
    this.#started.add(callId);
  }

  async close(callId: string): Promise<void> {
    const leg = this.#leg(callId);
    this.#legs.delete(callId);
    this.#started.delete(callId);
    await leg.close();
  }

  async closeAll(): Promise<void> {
    const legs = [...this.#legs.values()];
    this.#legs.clear();
    this.#started.clear();
    await Promise.allSettled(legs.map((l) => l.close()));
  }

  /** An L16 (big-endian) RTP packet of the visitor's microphone: to the started leg, or nowhere. */
  microphone(packet: Buffer): void {
    this.#micPackets++;
    this.meter.add(packet);
    if (this.#started.size === 0) return;
    const header = readRtpHeader(packet);
    if (!header || header.payloadLength % 2 !== 0) return;
    const le = Buffer.from(
      packet.subarray(header.payloadOffset, header.payloadOffset + header.payloadLength),
    );
    le.swap16();
    for (const callId of this.#started) this.#legs.get(callId)?.pushMicrophone(le);
  }

  stats(): WorkerStats['phone'] {
    return {
      micPackets: this.#micPackets,
      legs: [...this.#legs].map(([callId, leg]) => ({
        callId,
        started: this.#started.has(callId),
        ...leg.stats(),
      })),
    };
  }

  #leg(callId: string): PhoneRtpLeg {
    const leg = this.#legs.get(callId);
    if (!leg) throw new NotFoundError(`no open phone leg "${callId}"`);
    return leg;
  }
}
