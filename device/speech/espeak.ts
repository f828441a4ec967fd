/**
 * Text to speech with espeak-ng (a Debian dependency of the panel), shared by the phone fallback's
 * prompt and the screen's spoken status: the text goes on stdin, so no text can become an option, and
 * only printable text is taken (control characters would reach espeak-ng's markup parsing). The result
 * is espeak-ng's own WAV: 16-bit mono at its voice's rate (22050 Hz).
 */
import { z } from 'zod';
import { childOutput } from './child-output.ts';

export const MAX_SPEECH_TEXT = 200;

export const speechTextSchema = z
  .string()
  .trim()
  .min(1)
  .max(MAX_SPEECH_TEXT)
  .regex(/^[^\p{Cc}]+$/u, 'must not contain control characters');

/** An espeak-ng voice: a language code such as en, nb, sv, en-gb. */
export const espeakVoiceSchema = z
  .string()
  .regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i, 'must be a language code such as en, nb or sv');

/** 200 characters are well under a minute of speech: 22050 Hz × 2 bytes × 60 s, with room to spare. */
export const MAX_SPEECH_WAV_BYTES = 4 * 1024 * 1024;

export interface EspeakOptions {
  /** The espeak-ng program (default `espeak-ng` on PATH). */
  espeak?: string | undefined;
  timeoutMs: number;
}

/** The WAV espeak-ng makes of `text` in `voice`; both must have passed their schemas. */
export function espeakWav(text: string, voice: string, options: EspeakOptions): Promise<Buffer> {
  return childOutput(options.espeak ?? 'espeak-ng', ['--stdin', '--stdout', '-v', voice], text, {
    timeoutMs: options.timeoutMs,
    maxBytes: MAX_SPEECH_WAV_BYTES,
    tooLong: `the speech is longer than ${MAX_SPEECH_WAV_BYTES} bytes`,
    debianPackage: 'espeak-ng',
    context: ` for voice "${voice}"`,
  });
}
