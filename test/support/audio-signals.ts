/**
 * 8 kHz test signals for the phone leg's tests: DTMF tones, sines, seeded noise and a speech-like buzz,
 * as Int16Array samples.
 */
import { dtmfFrequencies } from '../../device/phone/media/goertzel.ts';
import type { DtmfSymbol } from '../../device/phone/types.ts';

const RATE = 8000;
const samplesFor = (ms: number) => Math.round((ms * RATE) / 1000);
const dbfs = (level: number) => 32767 * 10 ** (level / 20);

/** A deterministic PRNG (mulberry32), so noisy tests are repeatable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function toInt16(x: Float64Array): Int16Array {
  return Int16Array.from(x, (v) => Math.max(-32768, Math.min(32767, Math.round(v))));
}

/** Sum of sines, each at `levelDbfs` (of a full-scale sine). */
export function sines(freqs: number[], ms: number, levelDbfs: number, phase = 0): Float64Array {
  const out = new Float64Array(samplesFor(ms));
  const a = dbfs(levelDbfs);
  for (const f of freqs)
    for (let i = 0; i < out.length; i++) out[i]! += a * Math.sin((2 * Math.PI * f * i) / RATE + phase);
  return out;
}

export function dtmfTone(digit: DtmfSymbol, ms: number, levelDbfs: number, twistDb = 0): Float64Array {
  const [low, high] = dtmfFrequencies(digit);
  const lowPart = sines([low], ms, levelDbfs);
  const highPart = sines([high], ms, levelDbfs - twistDb, 1);
  return lowPart.map((v, i) => v + highPart[i]!);
}

export function silence(ms: number): Float64Array {
  return new Float64Array(samplesFor(ms));
}

/** A glottal-pulse-like buzz at f0 (gliding) through two formants: spreads energy over many harmonics. */
export function speechLike(ms: number, levelDbfs: number, seed: number): Float64Array {
  const rnd = prng(seed);
  const out = new Float64Array(samplesFor(ms));
  const f0Start = 90 + rnd() * 150;
  const f1 = 300 + rnd() * 600;
  const f2 = 900 + rnd() * 1400;
  for (let h = 1; h * f0Start < 3800; h++) {
    for (let i = 0; i < out.length; i++) {
      const f0 = f0Start * (1 + (0.2 * i) / out.length);
      const f = h * f0;
      const gain = 1 / (1 + ((f - f1) / 150) ** 2) + 0.5 / (1 + ((f - f2) / 200) ** 2) + 0.02;
      out[i]! += gain * Math.sin((2 * Math.PI * f0Start * h * i * (1 + (0.1 * i) / out.length)) / RATE);
    }
  }
  let peak = 0;
  for (const v of out) peak = Math.max(peak, Math.abs(v));
  return out.map((v) => (v / peak) * dbfs(levelDbfs));
}

/** Adds white noise at `levelDbfs` RMS. */
export function withNoise(signal: Float64Array, levelDbfs: number, seed: number): Float64Array {
  const rnd = prng(seed);
  const rms = dbfs(levelDbfs) / Math.SQRT2;
  // Uniform noise of this RMS: ±rms·√3.
  return signal.map((v) => v + (rnd() * 2 - 1) * rms * Math.sqrt(3));
}

export function concat(...parts: Float64Array[]): Int16Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Float64Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return toInt16(out);
}

export function concatFloat(...parts: Float64Array[]): Float64Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Float64Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
