import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alawToLinear,
  decodeG711,
  encodeG711,
  linearToAlaw,
  linearToUlaw,
  s16leToSamples,
  ulawToLinear,
} from '../../../device/phone/media/g711.ts';

const int16 = fc.integer({ min: -32768, max: 32767 });

/** Half the quantisation step at |x|: both laws keep 4 mantissa bits per segment (≤ 1/32 relative). */
function maxError(codec: 'pcmu' | 'pcma', x: number): number {
  const m = Math.abs(x);
  // Clipping: µ-law's largest value is 32124, A-law's 32256.
  const top = codec === 'pcmu' ? 32124 : 32256;
  if (m > top) return m - top + 512;
  return codec === 'pcmu' ? 4 + m / 32 + 4 : 8 + m / 32;
}

describe('G.711', () => {
  it('encodes known vectors (ITU-T G.711 / G.191)', () => {
    expect(linearToUlaw(0)).toBe(0xff);
    expect(linearToUlaw(-1)).toBe(0x7f);
    expect(linearToUlaw(32767)).toBe(0x80);
    expect(linearToUlaw(-32768)).toBe(0x00);
    expect(ulawToLinear(0x80)).toBe(32124);
    expect(ulawToLinear(0x00)).toBe(-32124);
    expect(ulawToLinear(0xff)).toBe(0);
    expect(linearToAlaw(0)).toBe(0xd5);
    expect(linearToAlaw(-1)).toBe(0x55);
    expect(linearToAlaw(32767)).toBe(0xaa);
    expect(linearToAlaw(-32768)).toBe(0x2a);
    expect(alawToLinear(0xd5)).toBe(8);
    expect(alawToLinear(0xaa)).toBe(32256);
    expect(alawToLinear(0x2a)).toBe(-32256);
  });

  it('round-trips every sample within half a quantisation step', () => {
    fc.assert(
      fc.property(int16, fc.constantFrom('pcmu' as const, 'pcma' as const), (x, codec) => {
        const [y] = decodeG711(codec, encodeG711(codec, Int16Array.of(x)));
        expect(Math.abs(y! - x)).toBeLessThanOrEqual(maxError(codec, x));
      }),
      { numRuns: 2000 },
    );
    // And exhaustively, since 65536 samples are cheap.
    const all = new Int16Array(65536).map((_, i) => i - 32768);
    for (const codec of ['pcmu', 'pcma'] as const) {
      const back = decodeG711(codec, encodeG711(codec, all));
      all.forEach((x, i) => {
        if (Math.abs(back[i]! - x) > maxError(codec, x)) throw new Error(`${codec} ${x} → ${back[i]}`);
      });
    }
  });

  it('is sign-symmetric: encode(~x) flips only the sign bit, decode(c ^ 0x80) = -decode(c)', () => {
    fc.assert(
      fc.property(int16, (x) => {
        expect(linearToUlaw(~x)).toBe(linearToUlaw(x) ^ 0x80);
        expect(linearToAlaw(~x)).toBe(linearToAlaw(x) ^ 0x80);
      }),
    );
    for (let c = 0; c < 256; c++) {
      expect(ulawToLinear(c ^ 0x80) + ulawToLinear(c)).toBe(0);
      expect(alawToLinear(c ^ 0x80) + alawToLinear(c)).toBe(0);
    }
  });

  it('is monotonic: a louder sample never decodes quieter', () => {
    fc.assert(
      fc.property(int16, int16, fc.constantFrom('pcmu' as const, 'pcma' as const), (a, b, codec) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const [dl, dh] = decodeG711(codec, encodeG711(codec, Int16Array.of(lo, hi)));
        expect(dl!).toBeLessThanOrEqual(dh!);
      }),
    );
  });

  it('reads S16LE bytes', () => {
    const buf = Buffer.alloc(5);
    buf.writeInt16LE(-2, 0);
    buf.writeInt16LE(300, 2);
    expect([...s16leToSamples(buf)]).toEqual([-2, 300]);
  });
});
