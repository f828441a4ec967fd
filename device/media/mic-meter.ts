/**
 * The visitor microphone's level for the installer's self-test, measured in the media worker from the
 * 8 kHz L16 RTP the camera pipeline already sends it (the phone leg's microphone), so the meter costs no
 * pipeline change and no extra process: the last ~300 ms of packets are kept as they arrive (references,
 * no copy) and their peak and RMS are computed only when asked. The level is of the 8 kHz signal the
 * phone hears; the Opus stream the apps get comes from the same source before resampling.
 */
import { readRtpHeader } from './rtp.ts';

export const MIC_WINDOW_MS = 300;
/** 20 ms packets; a few more for jitter. */
const MAX_PACKETS = 20;

export interface MicLevelReading {
  available: boolean;
  peakDbfs: number | null;
  rmsDbfs: number | null;
  windowMs: number;
}

export class MicMeter {
  readonly #now: () => number;
  #packets: { at: number; packet: Buffer }[] = [];

  constructor(now: () => number) {
    this.#now = now;
  }

  add(packet: Buffer): void {
    this.#packets.push({ at: this.#now(), packet });
    if (this.#packets.length > MAX_PACKETS) this.#packets.shift();
  }

  read(): MicLevelReading {
    const since = this.#now() - MIC_WINDOW_MS;
    this.#packets = this.#packets.filter((p) => p.at >= since);
    let peak = 0;
    let sumSquares = 0;
    let samples = 0;
    for (const { packet } of this.#packets) {
      const header = readRtpHeader(packet);
      if (!header) continue;
      const end = header.payloadOffset + header.payloadLength - 1;
      for (let i = header.payloadOffset; i < end; i += 2) {
        const v = packet.readInt16BE(i) / 32768;
        const a = Math.abs(v);
        if (a > peak) peak = a;
        sumSquares += v * v;
        samples++;
      }
    }
    if (samples === 0) return { available: false, peakDbfs: null, rmsDbfs: null, windowMs: MIC_WINDOW_MS };
    return {
      available: true,
      peakDbfs: dbfs(peak),
      rmsDbfs: dbfs(Math.sqrt(sumSquares / samples)),
      windowMs: MIC_WINDOW_MS,
    };
  }
}

/** Full scale is 0 dBFS; silence is null (−∞), not a number a meter could show. */
function dbfs(amplitude: number): number | null {
  return amplitude > 0 ? Math.round(20 * Math.log10(amplitude) * 10) / 10 : null;
}
