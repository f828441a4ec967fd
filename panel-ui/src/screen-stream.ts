/**
 * The page's line to the panel: the screen stream (server-sent events: `directory`, `call`, `card`).
 * While it is down (the panel restarting, an older panel without it) the page polls instead — the call
 * every second or two, the directory every 30 s — and stops polling once the stream is back. The
 * directory is also re-read every minute in any case: hiding schedules change it with time alone.
 * Card events only come by the stream: feedback that arrives late is worse than none.
 */
import type {
  CallState,
  CardFeedback,
  DirectoryReply,
  SCREEN_STREAM_PATH,
} from '../../cloud-sync/protocol/panel-api.ts';
import { api } from './api.ts';
import type { PageClock } from './clock.ts';
import type { PanelState } from './panel-state.ts';

/** A literal (the page imports the protocol as types only: no zod in the bundle), checked against it. */
const STREAM_PATH: typeof SCREEN_STREAM_PATH = '/api/v1/screen/stream';
const RECONNECT_MS = [1000, 2000, 5000, 10_000];
const DIRECTORY_REFRESH_MS = 60_000;
const FALLBACK_DIRECTORY_MS = 30_000;

export class ScreenStream {
  readonly #state: PanelState;
  readonly #clock: PageClock;
  /** Told whether the panel answers (by the stream or the polls); the page says "Connecting…" if not. */
  readonly #onLine: (up: boolean) => void;
  #failures = 0;
  #up = false;
  #lastDirectoryPoll = Number.NEGATIVE_INFINITY;
  #cancelPoll: (() => void) | undefined;
  #polling = false;

  constructor(state: PanelState, clock: PageClock, onLine: (up: boolean) => void) {
    this.#state = state;
    this.#clock = clock;
    this.#onLine = onLine;
  }

  start(): void {
    this.#connect();
    const refresh = () => {
      void this.#pollDirectory();
      this.#clock.after(DIRECTORY_REFRESH_MS, refresh);
    };
    this.#clock.after(DIRECTORY_REFRESH_MS, refresh);
  }

  #connect(): void {
    const source = new EventSource(STREAM_PATH);
    const data = <T>(event: Event): T => JSON.parse((event as MessageEvent<string>).data) as T;
    source.addEventListener('card', (event) => this.#state.card.emit(data<CardFeedback>(event)));
    source.addEventListener('call', (event) => this.#state.setCall(data<CallState>(event)));
    source.addEventListener('directory', (event) => this.#state.setDirectory(data<DirectoryReply>(event)));
    source.addEventListener('open', () => {
      this.#failures = 0;
      this.#setUp(true);
    });
    source.addEventListener('error', () => {
      this.#setUp(false);
      // A refused stream (an HTTP error) is closed for good: open a new one after a pause. A dropped one
      // reconnects by itself.
      if (source.readyState === EventSource.CLOSED) {
        const wait = RECONNECT_MS[Math.min(this.#failures++, RECONNECT_MS.length - 1)]!;
        this.#clock.after(wait, () => this.#connect());
      }
    });
  }

  #setUp(up: boolean): void {
    this.#up = up;
    // For whoever looks at the page (tests, an installer's devtools): stream or fallback polls.
    document.body.dataset['stream'] = up ? 'open' : 'polling';
    if (up) {
      this.#cancelPoll?.();
      this.#cancelPoll = undefined;
      this.#polling = false;
      this.#onLine(true);
    } else if (!this.#polling) {
      this.#polling = true;
      void this.#poll();
    }
  }

  /** While the stream is down: the call at once and then often, the directory now and then. */
  async #poll(): Promise<void> {
    if (!this.#up) {
      try {
        this.#state.setCall(await api.call());
        if (this.#clock.now() - this.#lastDirectoryPoll >= FALLBACK_DIRECTORY_MS) await this.#pollDirectory();
        this.#onLine(true);
      } catch {
        this.#onLine(false);
      }
    }
    if (this.#up) {
      this.#polling = false;
      return;
    }
    const wait = this.#state.call.phase === 'idle' ? 2000 : 1000;
    this.#cancelPoll = this.#clock.after(wait, () => void this.#poll());
  }

  async #pollDirectory(): Promise<void> {
    this.#lastDirectoryPoll = this.#clock.now();
    try {
      this.#state.setDirectory(await api.directory());
    } catch {
      // The next poll or the stream brings it.
    }
  }
}
