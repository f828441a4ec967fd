/**
 * espeak-ng writing WAV to a pipe cannot seek back, so its RIFF and data sizes say "unknown" (near 2^31).
 * Browsers mostly cope, but a player may wait for bytes that never come: the sizes are set from what
 * arrived. Walks the chunks rather than assuming espeak-ng's 44-byte header.
 */
import { SpeechError } from './child-output.ts';

export interface WavFormat {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Bytes of samples (the data chunk as it is in the buffer). */
  dataBytes: number;
}

/** The same bytes with the RIFF and data sizes set to the buffer's; throws SpeechError on a non-WAV. */
export function withTrueSizes(wav: Buffer): { wav: Buffer; format: WavFormat } {
  if (wav.length < 12 || wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE')
    throw new SpeechError('the speech program did not produce a WAV file');
  const out = Buffer.from(wav);
  out.writeUInt32LE(out.length - 8, 4);
  let format: Omit<WavFormat, 'dataBytes'> | undefined;
  for (let at = 12; at + 8 <= out.length; ) {
    const id = out.toString('ascii', at, at + 4);
    if (id === 'fmt ' && at + 24 <= out.length)
      format = {
        channels: out.readUInt16LE(at + 10),
        sampleRate: out.readUInt32LE(at + 12),
        bitsPerSample: out.readUInt16LE(at + 22),
      };
    if (id === 'data') {
      if (!format) break;
      const dataBytes = out.length - (at + 8);
      out.writeUInt32LE(dataBytes, at + 4);
      return { wav: out, format: { ...format, dataBytes } };
    }
    at += 8 + out.readUInt32LE(at + 4);
  }
  throw new SpeechError('the speech program produced a WAV file without a format or samples');
}

/** How long the samples play. */
export function wavDurationMs(format: WavFormat): number {
  const bytesPerSecond = format.sampleRate * format.channels * (format.bitsPerSample / 8);
  return bytesPerSecond > 0 ? Math.round((format.dataBytes / bytesPerSecond) * 1000) : 0;
}
