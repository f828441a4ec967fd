import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeG711, encodeG711 } from '../../../device/phone/media/g711.ts';
import { DtmfDetector } from '../../../device/phone/media/goertzel.ts';
import { DTMF_DIGITS, type DtmfSymbol } from '../../../device/phone/types.ts';
import {
  concat,
  concatFloat,
  dtmfTone,
  silence,
  sines,
  speechLike,
  withNoise,
} from '../../support/audio-signals.ts';

function detect(samples: Int16Array, chunk = 160): DtmfSymbol[] {
  const digits: DtmfSymbol[] = [];
  const detector = new DtmfDetector((d) => digits.push(d));
  for (let i = 0; i < samples.length; i += chunk) detector.push(samples.subarray(i, i + chunk));
  return digits;
}

/** Digits as a phone keys them: tone, pause, tone…, with background noise over everything. */
function keyed(
  digits: readonly DtmfSymbol[],
  o: { level: number; toneMs: number; gapMs: number; noise: number; seed: number },
) {
  const parts = [silence(50)];
  for (const d of digits) parts.push(dtmfTone(d, o.toneMs, o.level), silence(o.gapMs));
  return concat(withNoise(concatFloat(...parts), o.noise, o.seed));
}

describe('in-band DTMF (Goertzel)', () => {
  it('detects each of the 16 symbols exactly once at several levels, with noise', () => {
    for (const level of [-6, -15, -25, -32]) {
      const samples = keyed(DTMF_DIGITS, { level, toneMs: 70, gapMs: 60, noise: level - 20, seed: 1 });
      expect(detect(samples), `at ${level} dBFS`).toEqual([...DTMF_DIGITS]);
    }
  });

  it('detects digits whatever their length (≥ 40 ms), pause (≥ 40 ms), level, twist and framing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...DTMF_DIGITS), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 45, max: 200 }),
        fc.integer({ min: 45, max: 150 }),
        fc.integer({ min: -30, max: -9 }), // two tones at -9 dBFS each peak just below full scale
        fc.integer({ min: -3, max: 6 }),
        fc.integer({ min: 1, max: 400 }),
        fc.integer(),
        (digits, toneMs, gapMs, level, twist, chunk, seed) => {
          const parts = [silence(30)];
          for (const d of digits) parts.push(dtmfTone(d, toneMs, level, twist), silence(gapMs));
          const samples = concat(withNoise(concatFloat(...parts), level - 25, seed));
          expect(detect(samples, chunk)).toEqual(digits);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('still detects them after G.711 (µ-law and A-law) coding', () => {
    const samples = keyed(['5', '8', '#', '0'], { level: -20, toneMs: 60, gapMs: 60, noise: -45, seed: 3 });
    for (const codec of ['pcmu', 'pcma'] as const) {
      expect(detect(decodeG711(codec, encodeG711(codec, samples)))).toEqual(['5', '8', '#', '0']);
    }
  });

  it('takes a 40 ms tone, ignores 20 and 30 ms ones, and counts a tone with a short dropout once', () => {
    expect(detect(concat(silence(40), dtmfTone('5', 40, -10), silence(100)))).toEqual(['5']);
    expect(detect(concat(silence(40), dtmfTone('5', 30, -10), silence(100)))).toEqual([]);
    expect(detect(concat(silence(40), dtmfTone('5', 20, -10), silence(100)))).toEqual([]);
    // A 10 ms dropout inside one key press is not a new press.
    expect(detect(concat(dtmfTone('5', 80, -10), silence(10), dtmfTone('5', 80, -10), silence(50)))).toEqual([
      '5',
    ]);
    // The same key pressed twice with a proper pause is two digits.
    expect(detect(concat(dtmfTone('5', 80, -10), silence(60), dtmfTone('5', 80, -10), silence(50)))).toEqual([
      '5',
      '5',
    ]);
  });

  it('rejects a pair whose twist is beyond the limits', () => {
    // Column tone 12 dB weaker than the row tone (normal twist limit 8 dB); row 8 dB weaker (reverse 4 dB).
    expect(detect(concat(dtmfTone('5', 100, -10, 12), silence(50)))).toEqual([]);
    expect(detect(concat(dtmfTone('5', 100, -10, -8), silence(50)))).toEqual([]);
  });

  it('finds no digit in silence, noise, a 440 Hz sine, a single DTMF frequency or speech-like sound', () => {
    expect(detect(concat(silence(1000)))).toEqual([]);
    expect(detect(concat(withNoise(silence(2000), -10, 5)))).toEqual([]);
    expect(detect(concat(sines([440], 2000, -3)))).toEqual([]);
    expect(detect(concat(sines([350, 440], 2000, -10)))).toEqual([]); // dial tone
    expect(detect(concat(sines([770], 1000, -6)))).toEqual([]);
    for (let seed = 1; seed <= 40; seed++) {
      expect(detect(concat(withNoise(speechLike(500, -6, seed), -40, seed))), `speech seed ${seed}`).toEqual(
        [],
      );
    }
  });
});
