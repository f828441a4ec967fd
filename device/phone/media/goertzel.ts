/**
 * In-band DTMF detection for phones and trunks that send digits as tones in the audio (no RFC 4733, no
 * SIP INFO). 8 kHz linear PCM in, digits out; time is counted in samples, so the detector is exact and
 * needs no clock.
 *
 * Every 10 ms (80 samples) the last 20 ms (160 samples, 50 Hz resolution: the closest DTMF frequencies
 * are 73 Hz apart) are analysed with the Goertzel algorithm at the 8 DTMF frequencies. A window holds a
 * digit when one row and one column tone together carry most of the window's energy (speech and music
 * spread theirs), each is clearly above the other tones of its group, both are loud enough, and their
 * levels differ no more than the twist limits allow. A digit is reported once, after it has held for
 * `minToneMs`; the next one needs `minGapMs` without a digit first (ITU-T Q.24 timing, in 10 ms steps).
 * Cost: 8 × 160 multiply-adds per 10 ms, about 0.13 M per second and call.
 */
import type { DtmfSymbol } from '../types.ts';

export const SAMPLE_RATE = 8000;
const ROWS = [697, 770, 852, 941] as const;
const COLUMNS = [1209, 1336, 1477, 1633] as const;
const WINDOW = 160;
const HOP = 80;
const HOP_MS = (HOP * 1000) / SAMPLE_RATE;
const WINDOW_MS = (WINDOW * 1000) / SAMPLE_RATE;

/** DTMF_DIGITS is in RFC 4733 event order; the keypad is rows × columns. */
const KEYPAD: readonly DtmfSymbol[][] = [
  ['1', '2', '3', 'A'],
  ['4', '5', '6', 'B'],
  ['7', '8', '9', 'C'],
  ['*', '0', '#', 'D'],
];

export interface DtmfDetectorOptions {
  /** Share of the window's energy the two tones must carry together (default 0.8). */
  minToneShare?: number;
  /** Each tone's amplitude must reach this, in dBFS of a full-scale sine (default -40). */
  minToneDbfs?: number;
  /** The column (high) tone may be this much weaker than the row tone (default 8 dB). */
  normalTwistDb?: number;
  /** The row (low) tone may be this much weaker than the column tone (default 4 dB). */
  reverseTwistDb?: number;
  /** Every other tone of a group must be this much below the group's strongest (default 6 dB). */
  groupMarginDb?: number;
  minToneMs?: number;
  minGapMs?: number;
  /** Every analysis window's verdict (a digit or null), before the timing rules: "is a tone there now". */
  onWindow?: (digit: DtmfSymbol | null) => void;
}

const coefficients = [...ROWS, ...COLUMNS].map((f) => 2 * Math.cos((2 * Math.PI * f) / SAMPLE_RATE));
const db = (x: number) => 10 ** (x / 10);

export class DtmfDetector {
  readonly #onDigit: (digit: DtmfSymbol) => void;
  readonly #onWindow: ((digit: DtmfSymbol | null) => void) | undefined;
  readonly #minShare: number;
  readonly #minToneMeanSquare: number;
  readonly #normalTwist: number;
  readonly #reverseTwist: number;
  readonly #groupMargin: number;
  readonly #minHits: number;
  readonly #minMisses: number;
  /** The newest WINDOW samples as a ring (next write at #pos), copied in order for each analysis. */
  readonly #ring = new Float64Array(WINDOW);
  readonly #window = new Float64Array(WINDOW);
  #pos = 0;
  #filled = 0;
  #sinceAnalysis = 0;
  #candidate: DtmfSymbol | null = null;
  #hits = 0;
  #misses = 0;
  #reported = false;
  /** A digit may be reported: there has been a long enough gap since the last one. */
  #armed = true;

  constructor(onDigit: (digit: DtmfSymbol) => void, options: DtmfDetectorOptions = {}) {
    this.#onDigit = onDigit;
    this.#onWindow = options.onWindow;
    this.#minShare = options.minToneShare ?? 0.8;
    const amplitude = 32767 * 10 ** ((options.minToneDbfs ?? -40) / 20);
    this.#minToneMeanSquare = (amplitude * amplitude) / 2;
    this.#normalTwist = db(-(options.normalTwistDb ?? 8));
    this.#reverseTwist = db(-(options.reverseTwistDb ?? 4));
    this.#groupMargin = db(-(options.groupMarginDb ?? 6));
    // A tone of D ms fills (D - 20) / 10 + 1 whole windows; windows it covers only in part do not count
    // (the cut splatters energy over the band), so its duration is measured as 20 + 10 × (hits - 1).
    this.#minHits = Math.max(1, Math.ceil(((options.minToneMs ?? 40) - WINDOW_MS) / HOP_MS) + 1);
    this.#minMisses = Math.ceil((options.minGapMs ?? 30) / HOP_MS);
  }

  /** Feeds samples (any count; frames need not align with the analysis). */
  push(samples: Int16Array): void {
    for (let i = 0; i < samples.length; i++) {
      this.#ring[this.#pos] = samples[i]!;
      this.#pos = (this.#pos + 1) % WINDOW;
      if (this.#filled < WINDOW) this.#filled++;
      if (++this.#sinceAnalysis === HOP) {
        this.#sinceAnalysis = 0;
        if (this.#filled === WINDOW) {
          this.#window.set(this.#ring.subarray(this.#pos), 0);
          this.#window.set(this.#ring.subarray(0, this.#pos), WINDOW - this.#pos);
          const digit = this.#classify();
          this.#onWindow?.(digit);
          this.#step(digit);
        }
      }
    }
  }

  /** The digit the current window holds, or null. */
  #classify(): DtmfSymbol | null {
    const x = this.#window;
    let energy = 0;
    for (let i = 0; i < WINDOW; i++) energy += x[i]! * x[i]!;
    if (energy === 0) return null;
    // Goertzel power normalised so a pure tone at the frequency gives its share of the energy (≈ 1).
    const share = coefficients.map((c) => {
      let s1 = 0;
      let s2 = 0;
      for (let i = 0; i < WINDOW; i++) {
        const s = x[i]! + c * s1 - s2;
        s2 = s1;
        s1 = s;
      }
      return (2 * (s1 * s1 + s2 * s2 - c * s1 * s2)) / (WINDOW * energy);
    });
    const row = strongest(share, 0);
    const col = strongest(share, 4);
    const pr = share[row]!;
    const pc = share[col]!;
    if (pr + pc < this.#minShare) return null;
    const meanSquare = energy / WINDOW;
    if (pr * meanSquare < this.#minToneMeanSquare || pc * meanSquare < this.#minToneMeanSquare) return null;
    if (pc < pr * this.#normalTwist || pr < pc * this.#reverseTwist) return null;
    for (let i = 0; i < 8; i++) {
      if (i === row || i === col) continue;
      if (share[i]! > (i < 4 ? pr : pc) * this.#groupMargin) return null;
    }
    return KEYPAD[row]![col - 4]!;
  }

  #step(digit: DtmfSymbol | null): void {
    if (digit === null) {
      if (++this.#misses >= this.#minMisses) {
        this.#candidate = null;
        this.#hits = 0;
        this.#reported = false;
        this.#armed = true;
      }
      return;
    }
    this.#misses = 0;
    if (digit !== this.#candidate) {
      // Another digit straight after one (no gap between them) counts afresh, but is not reported:
      // #armed stays false until a long enough gap.
      this.#candidate = digit;
      this.#hits = 0;
      this.#reported = false;
    }
    this.#hits++;
    if (!this.#reported && this.#armed && this.#hits >= this.#minHits) {
      this.#reported = true;
      this.#armed = false;
      this.#onDigit(digit);
    }
  }
}

function strongest(share: number[], from: number): number {
  let best = from;
  for (let i = from + 1; i < from + 4; i++) if (share[i]! > share[best]!) best = i;
  return best;
}

/** The two frequencies of a DTMF symbol (for tests and for generating tones). */
export function dtmfFrequencies(digit: DtmfSymbol): [number, number] {
  for (let r = 0; r < 4; r++) {
    const c = KEYPAD[r]!.indexOf(digit);
    if (c >= 0) return [ROWS[r]!, COLUMNS[c]!];
  }
  throw new Error(`not a DTMF symbol: ${digit}`);
}
