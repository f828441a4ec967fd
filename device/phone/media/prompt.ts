/**
 * The prompt the callee hears on answer ("Visitor at Storgatan 12 — press 5 to open"), spoken by
 * espeak-ng and converted by GStreamer to what the phone leg sends: 8 kHz mono S16LE. Both run as child
 * processes from argv (never a shell); the text goes to espeak-ng on stdin, so no text can become an
 * option. Results are cached on disk by a hash of (voice, text): a building's prompt is made once, not on
 * every call, and the call does not wait for speech synthesis.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { PortvaktError, ValidationError } from '../../../lib/errors.ts';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../../../lib/fs/private-files.ts';
import type { PhonePrompt } from '../types.ts';
import { MAX_PROMPT_BYTES } from './rtp-leg.ts';

/** Speech synthesis or its conversion failed (espeak-ng or GStreamer missing, failing or too slow). */
export class PromptError extends PortvaktError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('prompt', message, options);
  }
}

export const MAX_PROMPT_TEXT = 200;

export const promptRequestSchema = z
  .object({
    text: z
      .string()
      .trim()
      .min(1)
      .max(MAX_PROMPT_TEXT)
      // Printable text only: control characters would reach espeak-ng's SSML/markup parsing.
      .regex(/^[^\p{Cc}]+$/u, 'must not contain control characters'),
    /** An espeak-ng voice: a language code such as en, nb, sv, en-gb. */
    voice: z.string().regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i, 'must be a language code such as en, nb or sv'),
  })
  .strict();

export type PromptRequest = z.infer<typeof promptRequestSchema>;

export interface PromptMakerOptions {
  /** Where made prompts are kept (created 0700). */
  cacheDir: string;
  /** espeak-ng and gst-launch-1.0 together must finish within this (default 10 s). */
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

  #synthesize(text: string, voice: string): Promise<Buffer> {
    const timeoutMs = this.#o.timeoutMs ?? 10_000;
    const espeakBin = this.#o.espeak ?? 'espeak-ng';
    const gstBin = this.#o.gstLaunch ?? 'gst-launch-1.0';
    return new Promise((resolve, reject) => {
      const espeak = spawn(espeakBin, ['--stdin', '--stdout', '-v', voice], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const gst = spawn(gstBin, TO_8K_MONO, { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let outBytes = 0;
      const stderr = { espeak: '', gst: '' };
      let exited = 0;
      let settled = false;
      const children: ChildProcess[] = [espeak, gst];
      const fail = (message: string, cause?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        for (const child of children)
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        reject(new PromptError(message, { cause }));
      };
      const timer = setTimeout(() => fail(`speech synthesis took longer than ${timeoutMs} ms`), timeoutMs);
      espeak.on('error', (err) =>
        fail(
          (err as { code?: string }).code === 'ENOENT'
            ? `${espeakBin} is not installed (Debian package espeak-ng)`
            : `${espeakBin} could not run: ${err.message}`,
          err,
        ),
      );
      gst.on('error', (err) =>
        fail(
          (err as { code?: string }).code === 'ENOENT'
            ? `${gstBin} is not installed (Debian package gstreamer1.0-tools)`
            : `${gstBin} could not run: ${err.message}`,
          err,
        ),
      );
      espeak.stderr.on('data', (c: Buffer) => (stderr.espeak = (stderr.espeak + c.toString()).slice(-500)));
      gst.stderr.on('data', (c: Buffer) => (stderr.gst = (stderr.gst + c.toString()).slice(-500)));
      // A broken pipe when the other side failed is reported by that side's exit.
      for (const s of [espeak.stdin, espeak.stdout, gst.stdin]) s.on('error', () => {});
      espeak.stdout.pipe(gst.stdin);
      gst.stdout.on('data', (chunk: Buffer) => {
        outBytes += chunk.length;
        if (outBytes > MAX_PROMPT_BYTES)
          return fail(`the prompt is longer than ${MAX_PROMPT_BYTES / 16000} s`);
        out.push(chunk);
      });
      const exit = (name: 'espeak' | 'gst', bin: string) => (code: number | null, signal: string | null) => {
        if (code !== 0) {
          const why =
            stderr[name].trim().split('\n').pop() || (signal ? `killed by ${signal}` : `exit code ${code}`);
          return fail(`${bin} failed for voice "${voice}": ${why}`);
        }
        if (++exited < 2 || settled) return;
        settled = true;
        clearTimeout(timer);
        const pcm = Buffer.concat(out);
        if (pcm.length < 2) reject(new PromptError(`${bin} produced no audio for voice "${voice}"`));
        else resolve(pcm.length % 2 ? pcm.subarray(0, pcm.length - 1) : pcm);
      };
      espeak.on('close', exit('espeak', espeakBin));
      gst.on('close', exit('gst', gstBin));
      espeak.stdin.end(text);
    });
  }
}
