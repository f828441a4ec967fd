/**
 * G.711 (ITU-T G.711) µ-law and A-law for 16-bit linear PCM, as the ITU's reference code (G.191) does it:
 * negative samples are folded with the one's complement, so encode(~x) is encode(x) with the sign bit
 * flipped and neither law has a bias between the two halves of the wave. Both directions are table
 * lookups (tables built once at load: 2 × 64 KiB to encode, 2 × 256 samples to decode), because the
 * phone leg runs them on every 20 ms frame in both directions.
 */
import type { G711Codec } from '../types.ts';

/** Static RTP payload types (RFC 3551): PCMU 0, PCMA 8, both 8 kHz. */
export const G711_PAYLOAD_TYPE: Readonly<Record<G711Codec, number>> = { pcmu: 0, pcma: 8 };

export function codecOfPayloadType(pt: number): G711Codec | undefined {
  return pt === 0 ? 'pcmu' : pt === 8 ? 'pcma' : undefined;
}

/** One sample (int16) → µ-law byte. */
export function linearToUlaw(sample: number): number {
  const negative = sample < 0;
  // 14-bit magnitude plus the law's bias of 33 (0x84 at 16 bits), clipped to 13 bits.
  const magnitude = Math.min(0x1fff, ((negative ? ~sample : sample) >> 2) + 33);
  let segment = 0;
  for (let v = magnitude >> 6; v !== 0; v >>= 1) segment++;
  const code = (segment << 4) | ((magnitude >> (segment + 1)) & 0x0f);
  // Transmitted inverted (the code for silence is 0xff); the sign bit is 1 for positive samples.
  return code ^ (negative ? 0x7f : 0xff);
}

/** µ-law byte → int16 sample. */
export function ulawToLinear(code: number): number {
  const u = ~code & 0xff;
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return u & 0x80 ? 0x84 - t : t - 0x84;
}

/** One sample (int16) → A-law byte. */
export function linearToAlaw(sample: number): number {
  const negative = sample < 0;
  let ix = (negative ? ~sample : sample) >> 4;
  if (ix > 15) {
    let exponent = 1;
    while (ix > 31) {
      ix >>= 1;
      exponent++;
    }
    ix = ix - 16 + (exponent << 4);
  }
  if (!negative) ix |= 0x80;
  // Even bits inverted on the line (ITU-T G.711 table 1/2).
  return ix ^ 0x55;
}

/** A-law byte → int16 sample. */
export function alawToLinear(code: number): number {
  const ix = (code & 0xff) ^ 0x55;
  const exponent = (ix & 0x7f) >> 4;
  let mantissa = ix & 0x0f;
  if (exponent > 0) mantissa += 16;
  mantissa = (mantissa << 4) + 8;
  if (exponent > 1) mantissa <<= exponent - 1;
  return ix > 127 ? mantissa : -mantissa;
}

function buildTables(encode: (s: number) => number, decode: (c: number) => number) {
  const enc = new Uint8Array(0x10000);
  for (let i = 0; i < 0x10000; i++) enc[i] = encode((i << 16) >> 16);
  const dec = new Int16Array(256);
  for (let c = 0; c < 256; c++) dec[c] = decode(c);
  return { enc, dec };
}

const TABLES: Record<G711Codec, { enc: Uint8Array; dec: Int16Array }> = {
  pcmu: buildTables(linearToUlaw, ulawToLinear),
  pcma: buildTables(linearToAlaw, alawToLinear),
};

/** Linear samples → one G.711 byte per sample. */
export function encodeG711(codec: G711Codec, samples: Int16Array): Buffer {
  const { enc } = TABLES[codec];
  const out = Buffer.allocUnsafe(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = enc[samples[i]! & 0xffff]!;
  return out;
}

/** G.711 bytes → linear samples. */
export function decodeG711(codec: G711Codec, payload: Uint8Array): Int16Array {
  const { dec } = TABLES[codec];
  const out = new Int16Array(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = dec[payload[i]!]!;
  return out;
}

/** Signed 16-bit little-endian bytes (a trailing odd byte is ignored) → samples. */
export function s16leToSamples(pcm: Buffer): Int16Array {
  const out = new Int16Array(pcm.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = pcm.readInt16LE(i * 2);
  return out;
}
