/**
 * Read-aloud: status lines spoken through the panel's speech endpoint (`/api/v1/speech?lang=&text=`, the
 * panel's packaged TTS) in one <audio> element, one line at a time so lines never overlap. A line waits
 * in a channel ("call", "card", "screen"…): a newer line of the same channel replaces one not yet
 * started, so a call that moved on is not described in its old state. When the endpoint cannot play,
 * the browser's own speech is tried.
 */
import type { PanelLanguage } from '../../cloud-sync/protocol/panel-api.ts';

export const SPEECH_PATH = '/api/v1/speech';
const MAX_WAITING = 4;

interface Line {
  text: string;
  lang: PanelLanguage;
  channel: string;
}

export class Speech {
  /** Not in the document: nothing to show, and the words are on the screen already. */
  readonly #audio = new Audio();
  readonly #enabled: () => boolean;
  readonly #lang: () => PanelLanguage;
  #waiting: Line[] = [];
  #current: Line | undefined;
  #speaking = false;

  constructor(enabled: () => boolean, lang: () => PanelLanguage) {
    const audio = this.#audio;
    this.#enabled = enabled;
    this.#lang = lang;
    audio.addEventListener('ended', () => this.#next());
    audio.addEventListener('error', () => this.#fallback());
  }

  /** Speaks `text` if read-aloud is on; nothing otherwise. */
  say(text: string, channel = 'status'): void {
    if (!this.#enabled() || !text) return;
    const line = { text, lang: this.#lang(), channel };
    this.#waiting = this.#waiting.filter((l) => l.channel !== channel);
    this.#waiting.push(line);
    if (this.#waiting.length > MAX_WAITING) this.#waiting.shift();
    if (!this.#speaking) this.#next();
  }

  /** Silence at once: read-aloud turned off, the visitor walked away, the language changed. */
  stop(): void {
    this.#waiting = [];
    this.#speaking = false;
    this.#audio.pause();
    this.#audio.removeAttribute('src');
    globalThis.speechSynthesis?.cancel();
  }

  #next(): void {
    const line = this.#waiting.shift();
    this.#current = line;
    this.#speaking = line !== undefined;
    document.body.dataset['speaking'] = line ? line.channel : '';
    if (!line) return;
    const query = new URLSearchParams({ lang: line.lang, text: line.text });
    this.#audio.src = `${SPEECH_PATH}?${query}`;
    this.#audio.play().catch(() => this.#fallback());
  }

  /** The endpoint failed (or the panel has no TTS): the browser's voices, if it has any; else skip. */
  #fallback(): void {
    const line = this.#current;
    if (!line || !this.#speaking) return;
    this.#current = undefined;
    const synth = globalThis.speechSynthesis;
    if (!synth || synth.getVoices().length === 0) {
      this.#next();
      return;
    }
    const utterance = new SpeechSynthesisUtterance(line.text);
    utterance.lang = line.lang;
    utterance.onend = () => this.#next();
    utterance.onerror = () => this.#next();
    synth.speak(utterance);
  }
}
