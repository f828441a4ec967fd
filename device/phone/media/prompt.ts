/**
 * The prompt the callee hears on answer ("Visitor at Storgatan 12 — press 5 to open"), spoken by
 * espeak-ng (device/speech/, shared with the screen's spoken status) and converted by GStreamer to what
 * the phone leg sends: 8 kHz mono S16LE. Both run as child processes from argv (never a shell).
 * Results are cached on disk by a hash of (voice, text): a building's prompt is made once, not on every
 * call, and the call does not wait for speech synthesis.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { PortvaktError, ValidationError } from '../../../lib/errors.ts';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../../../lib/fs/private-files.ts';
import { childOutput, SpeechError } from '../../speech/child-output.ts';
import { espeakVoiceSchema, espeakWav, MAX_SPEECH_TEXT, speechTextSchema } from '../../speech/espeak.ts';
import type { PhonePrompt } from '../types.ts';
import { MAX_PROMPT_BYTES } from './rtp-leg.ts';

/** Speech synthesis or its conversion failed (espeak-ng or GStreamer missing, failing or too slow). */
export class PromptError extends PortvaktError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('prompt', message, options);
  }
}

export const MAX_PROMPT_TEXT = MAX_SPEECH_TEXT;

export const promptRequestSchema = z.object({ text: speechTextSchema, voice: espeakVoiceSchema }).strict();

export type PromptRequest = z.infer<typeof promptRequestSchema>;

export interface PromptMakerOptions {
  /** Where made prompts are kept (created 0700). */
  cacheDir: string;
  /** espeak-ng, then gst-launch-1.0, must each finish within this (default 10 s). */
  timeoutMs?: number;
  espeak?: string;
  gstLaunch?: string;
}

const TO_8K_MONO = [
  '-q',
  'fdsrc',
  '!',
  'wavparse',
  '!',
  'audioconvert',
  '!',
  'audioresample',
  '!',
  'audio/x-raw,rate=8000,channels=1,format=S16LE',
  '!',
  'fdsink',
];

export class PromptMaker {
  readonly #o: PromptMakerOptions;
  readonly #inFlight = new Map<string, Promise<PhonePrompt>>();

  constructor(options: PromptMakerOptions) {
    this.#o = options;
  }

  /** The prompt for (text, voice): from the cache, or made now. */
  async make(request: PromptRequest): Promise<PhonePrompt> {
    const parsed = promptRequestSchema.safeParse(request);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(prompt)'}: ${i.message}`);
      throw new ValidationError(`invalid phone prompt: ${issues.join('; ')}`, issues);
    }
    const { text, voice } = parsed.data;
    const key = createHash('sha256').update(`${voice}\n${text}`).digest('hex');
    const path = join(this.#o.cacheDir, `prompt-${key}.s16`);
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    const made = this.#cachedOrMade(path, text, voice).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, made);
    return made;
  }

  async #cachedOrMade(path: string, text: string, voice: string): Promise<PhonePrompt> {
    try {
      return { pcm: await readFile(path) };
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') throw err;
    }
    const pcm = await this.#synthesize(text, voice);
    ensurePrivateDir(this.#o.cacheDir);
    // Written aside and renamed: a reader never sees half a prompt, even if we die mid-write.
    const temp = `${path}.${randomUUID()}.tmp`;
    try {
      await writeFile(temp, pcm, { mode: PRIVATE_FILE_MODE });
      await rename(temp, path);
    } finally {
      await rm(temp, { force: true });
    }
    return { pcm };
  }

  async #synthesize(text: string, voice: string): Promise<Buffer> {
    const timeoutMs = this.#o.timeoutMs ?? 10_000;
    try {
      const wav = await espeakWav(text, voice, { espeak: this.#o.espeak, timeoutMs });
      const gst = this.#o.gstLaunch ?? 'gst-launch-1.0';
      const pcm = await childOutput(gst, TO_8K_MONO, wav, {
        timeoutMs,
        maxBytes: MAX_PROMPT_BYTES,
        tooLong: `the prompt is longer than ${MAX_PROMPT_BYTES / 16000} s`,
        debianPackage: 'gstreamer1.0-tools',
        context: ` for voice "${voice}"`,
      });
      if (pcm.length < 2) throw new PromptError(`${gst} produced no audio for voice "${voice}"`);
      return pcm.length % 2 ? pcm.subarray(0, pcm.length - 1) : pcm;
    } catch (err) {
      if (err instanceof SpeechError) throw new PromptError(err.message, { cause: err });
      throw err;
    }
  }
}
