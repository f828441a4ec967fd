/**
 * Spoken status for the screen ("Calling Andersson", "The door is open"): the panel page asks for a text
 * in its language and plays the WAV. espeak-ng is cheap but not free on a panel's small CPU, and anything
 * on the LAN could ask, so: one synthesis at a time, at most MAX_WAITING more waiting (beyond that the
 * caller is told to come back: RateLimitedError), the same text asked twice at once made once, and the
 * recent texts kept in a small LRU cache (a screen says the same few sentences all day).
 */
import type { PanelLanguage } from '../../cloud-sync/protocol/panel-api.ts';
import { errorMessage, RateLimitedError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { espeakWav } from './espeak.ts';
import { withTrueSizes } from './wav-header.ts';

/** The espeak-ng voice of each screen language. */
export const SPEECH_VOICES: Readonly<Record<PanelLanguage, string>> = { nb: 'nb', en: 'en', sv: 'sv' };

export const MAX_WAITING = 4;
export const MAX_CACHED_TEXTS = 32;
export const MAX_CACHED_BYTES = 4 * 1024 * 1024;

/** What the local API needs: the WAV of `text` (already validated) spoken in `lang`. */
export interface SpeechApi {
  speak(lang: PanelLanguage, text: string): Promise<Buffer>;
}

export interface SpeechServiceOptions {
  logger: Logger;
  /** The espeak-ng program (default `espeak-ng` on PATH). */
  espeak?: string | undefined;
  /** One synthesis may take this long (default 5 s). */
  timeoutMs?: number;
  maxWaiting?: number;
  maxCachedTexts?: number;
  maxCachedBytes?: number;
}

export class SpeechService implements SpeechApi {
  readonly #o: SpeechServiceOptions;
  /** Insertion order is use order: the first key is the least recently used. */
  readonly #cache = new Map<string, Buffer>();
  #cachedBytes = 0;
  readonly #inFlight = new Map<string, Promise<Buffer>>();
  #busy = false;
  readonly #waiting: (() => void)[] = [];

  constructor(options: SpeechServiceOptions) {
    this.#o = options;
  }

  speak(lang: PanelLanguage, text: string): Promise<Buffer> {
    const key = `${lang}\n${text}`;
    const cached = this.#cache.get(key);
    if (cached) {
      this.#cache.delete(key);
      this.#cache.set(key, cached);
      return Promise.resolve(cached);
    }
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    const maxWaiting = this.#o.maxWaiting ?? MAX_WAITING;
    if (this.#busy && this.#waiting.length >= maxWaiting)
      return Promise.reject(
        new RateLimitedError(
          `speech is busy: ${maxWaiting} texts are already waiting; ask again shortly`,
          1000,
        ),
      );
    const made = this.#inTurn(() => this.#synthesize(lang, text))
      .then((wav) => {
        this.#remember(key, wav);
        return wav;
      })
      .finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, made);
    return made;
  }

  /** Runs `fn` when no other synthesis runs, first come first served. */
  async #inTurn<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#busy) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#busy = true;
    try {
      return await fn();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#busy = false;
    }
  }

  async #synthesize(lang: PanelLanguage, text: string): Promise<Buffer> {
    try {
      const raw = await espeakWav(text, SPEECH_VOICES[lang], {
        espeak: this.#o.espeak,
        timeoutMs: this.#o.timeoutMs ?? 5000,
      });
      return withTrueSizes(raw).wav;
    } catch (err) {
      // The text is not logged: it may name a resident the visitor looked for.
      this.#o.logger.warn({ lang, err: errorMessage(err) }, 'spoken status could not be made');
      throw err;
    }
  }

  #remember(key: string, wav: Buffer): void {
    const maxBytes = this.#o.maxCachedBytes ?? MAX_CACHED_BYTES;
    if (wav.length > maxBytes) return;
    this.#cache.set(key, wav);
    this.#cachedBytes += wav.length;
    const maxTexts = this.#o.maxCachedTexts ?? MAX_CACHED_TEXTS;
    for (const [oldest, old] of this.#cache) {
      if (this.#cache.size <= maxTexts && this.#cachedBytes <= maxBytes) break;
      this.#cache.delete(oldest);
      this.#cachedBytes -= old.length;
    }
  }

  /** Texts and bytes held, for tests and the installer's figures. */
  cacheSize(): { texts: number; bytes: number } {
    return { texts: this.#cache.size, bytes: this.#cachedBytes };
  }
}
