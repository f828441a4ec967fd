/**
 * The card feedback's sounds, made with WebAudio (no files to ship): a short rising two-note chime for
 * granted, a low double tone for refused. Scheduled at once in the tap's event handler; the context
 * is made on first use (the kiosk allows audio without a gesture; a browser that does not resumes it at
 * the next touch).
 */
let context: AudioContext | undefined;

function audio(): AudioContext | undefined {
  if (typeof AudioContext === 'undefined') return undefined;
  context ??= new AudioContext({ latencyHint: 'interactive' });
  if (context.state === 'suspended') void context.resume().catch(() => {});
  return context;
}

/** One soft tone: a sine with a quick attack and an exponential fade (no click at either end). */
function tone(ctx: AudioContext, hz: number, startS: number, lengthS: number, volume: number): void {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = 'sine';
  osc.frequency.value = hz;
  const t0 = ctx.currentTime + startS;
  gain.gain.setValueAtTime(0.0001, t0);
  gain.gain.exponentialRampToValueAtTime(volume, t0 + 0.015);
  gain.gain.exponentialRampToValueAtTime(0.0001, t0 + lengthS);
  osc.connect(gain).connect(ctx.destination);
  osc.start(t0);
  osc.stop(t0 + lengthS + 0.02);
}

export function playGranted(): void {
  const ctx = audio();
  if (!ctx) return;
  // E5 then A5: a rising fourth reads as "yes" in most cultures' door chimes.
  tone(ctx, 659.25, 0, 0.18, 0.25);
  tone(ctx, 880, 0.14, 0.35, 0.25);
}

export function playDenied(): void {
  const ctx = audio();
  if (!ctx) return;
  // Two short low notes: noticeable, not an alarm.
  tone(ctx, 220, 0, 0.16, 0.3);
  tone(ctx, 220, 0.24, 0.16, 0.3);
}

/** Lets a browser that blocks audio until a gesture start the context at the first touch. */
export function unlockAudioOnTouch(target: EventTarget): void {
  target.addEventListener('pointerdown', () => void audio(), { once: true, capture: true, passive: true });
}
