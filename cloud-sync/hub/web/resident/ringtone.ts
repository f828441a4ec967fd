/**
 * The resident's ringtone, synthesized with Web Audio (no audio files to ship). Each name the protocol
 * knows (RINGTONES) is a short note pattern repeated until stop(). Browsers start audio only after a user
 * gesture, so the login click (or any click) unlocks the shared AudioContext via unlockAudio().
 */
import type { Ringtone } from '../../../protocol/calls.ts';

/** Note frequencies (Hz) and lengths (s); 0 Hz is a pause. Repeats every `period` seconds. */
const PATTERNS: Record<Ringtone, { notes: [number, number][]; period: number; wave: OscillatorType }> = {
  classic: {
    notes: [
      [880, 0.4],
      [0, 0.2],
      [880, 0.4],
    ],
    period: 2,
    wave: 'square',
  },
  chime: {
    notes: [
      [784, 0.3],
      [659, 0.3],
      [523, 0.5],
    ],
    period: 2.2,
    wave: 'sine',
  },
  bell: { notes: [[1047, 0.8]], period: 1.6, wave: 'triangle' },
  marimba: {
    notes: [
      [523, 0.15],
      [659, 0.15],
      [784, 0.15],
      [1047, 0.3],
    ],
    period: 1.8,
    wave: 'sine',
  },
  soft: {
    notes: [
      [440, 0.6],
      [0, 0.2],
      [494, 0.6],
    ],
    period: 3,
    wave: 'sine',
  },
};

export const RINGTONE_NAMES: Record<Ringtone, string> = {
  classic: 'Classic',
  chime: 'Chime',
  bell: 'Bell',
  marimba: 'Marimba',
  soft: 'Soft',
};

let context: AudioContext | undefined;

export function unlockAudio(): void {
  try {
    context ??= new AudioContext();
    void context.resume();
  } catch {}
}

export class RingtonePlayer {
  #timer: ReturnType<typeof setInterval> | undefined;
  #gain: GainNode | undefined;

  play(tone: Ringtone): void {
    this.stop();
    unlockAudio();
    const ctx = context;
    if (!ctx) return;
    const pattern = PATTERNS[tone];
    const gain = ctx.createGain();
    gain.gain.value = 0.15;
    gain.connect(ctx.destination);
    this.#gain = gain;
    const once = () => {
      let at = ctx.currentTime + 0.05;
      for (const [freq, length] of pattern.notes) {
        if (freq > 0) {
          const osc = ctx.createOscillator();
          osc.type = pattern.wave;
          osc.frequency.value = freq;
          osc.connect(gain);
          osc.start(at);
          osc.stop(at + length);
        }
        at += length;
      }
    };
    once();
    this.#timer = setInterval(once, pattern.period * 1000);
    navigator.vibrate?.([400, 200, 400]);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#gain?.disconnect();
    this.#gain = undefined;
    navigator.vibrate?.(0);
  }
}
