/**
 * The speaker test: a 1 kHz tone as G.711 µ-law RTP, 20 ms packets in real time, to the speaker pipeline
 * (which the engine switches to PCMU for it, as for a phone call, and back after). Generated in the media
 * process, where every RTP socket of the panel lives.
 */
import type { Clock } from '../../lib/clock/clock.ts';
import { encodeG711, G711_PAYLOAD_TYPE } from '../phone/media/g711.ts';

const RATE = 8000;
const FRAME_SAMPLES = 160;
const FRAME_MS = 20;
/** −6 dBFS: clearly audible, no clipping. */
const AMPLITUDE = 0.5 * 32767;

/** Sends `ms` of a `hz` tone through `send`; resolves once the last packet is out. */
export function playTone(
  send: (packet: Buffer) => void,
  clock: Clock,
  options: { hz: number; ms: number; ssrc: number },
): Promise<void> {
  const start = clock.monotonic();
  const frames = Math.ceil(options.ms / FRAME_MS);
  const seq0 = Math.floor(Math.random() * 0x10000);
  const ts0 = Math.floor(Math.random() * 0x100000000);
  let frame = 0;
  return new Promise((resolve) => {
    const sendFrame = () => {
      const samples = new Int16Array(FRAME_SAMPLES);
      for (let i = 0; i < FRAME_SAMPLES; i++) {
        const n = frame * FRAME_SAMPLES + i;
        samples[i] = Math.round(AMPLITUDE * Math.sin((2 * Math.PI * options.hz * n) / RATE));
      }
      const header = Buffer.alloc(12);
      header[0] = 0x80;
      header[1] = (frame === 0 ? 0x80 : 0) | G711_PAYLOAD_TYPE.pcmu;
      header.writeUInt16BE((seq0 + frame) & 0xffff, 2);
      header.writeUInt32BE((ts0 + frame * FRAME_SAMPLES) >>> 0, 4);
      header.writeUInt32BE(options.ssrc >>> 0, 8);
      send(Buffer.concat([header, encodeG711('pcmu', samples)]));
      frame++;
      // Paced from the start, so timer lateness does not add up over the tone.
      if (frame >= frames) resolve();
      else clock.setTimeout(sendFrame, start + frame * FRAME_MS - clock.monotonic());
    };
    sendFrame();
  });
}
