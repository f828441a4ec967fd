import { Worker } from 'node:worker_threads';
import type { Clock, TimerHandle } from '../../hal/clock/clock.ts';
import { NotFoundError, PortvaktError, ValidationError } from '../../hal/errors.ts';
import { SafeEmitter } from '../../hal/events.ts';
import type { MediaRequest, PeerState, SerializedError, WorkerInit, WorkerMessage } from './protocol.ts';

/** The media stack could not do what was asked (worker down or crashed, timeout, werift failure). */
export class MediaError extends PortvaktError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('media', message, options);
  }
}

/** Rebuilds the domain error the worker threw, so callers can tell bad input from a missing peer. */
export function deserializeError(e: SerializedError): PortvaktError {
  if (e.code === 'invalid_input') return new ValidationError(e.message, e.issues ?? []);
  if (e.code === 'not_found') return new NotFoundError(e.message);
  return new MediaError(e.message);
}

export interface ChannelEvents {
  [event: string]: unknown;
  'peer-state': { peerId: string; state: PeerState };
  warning: { message: string };
  /** The worker died on its own; every pending request has been rejected. */
  crashed: { reason: string };
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  timer: TimerHandle;
}

/** One media worker thread and the request/response traffic with it (ids, timeouts, crash detection). */
export class WorkerChannel {
  readonly events = new SafeEmitter<ChannelEvents>();
  readonly #worker: Worker;
  readonly #clock: Clock;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closing = false;
  #lastError: string | undefined;
  readonly #exited: Promise<void>;

  private constructor(worker: Worker, clock: Clock) {
    this.#worker = worker;
    this.#clock = clock;
    this.#exited = new Promise((resolve) => worker.once('exit', () => resolve()));
  }

  /** Starts the worker; resolves once it has bound the camera's ports and is ready for requests. */
  static async open(
    url: URL,
    init: WorkerInit,
    clock: Clock,
    readyTimeoutMs: number,
  ): Promise<WorkerChannel> {
    const channel = new WorkerChannel(new Worker(url, { workerData: init }), clock);
    await channel.#ready(readyTimeoutMs);
    return channel;
  }

  get threadId(): number {
    return this.#worker.threadId;
  }

  request(request: MediaRequest, timeoutMs: number): Promise<unknown> {
    if (this.#closing) return Promise.reject(new MediaError('media worker is shutting down'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => {
        this.#pending.delete(id);
        reject(new MediaError(`media worker did not answer "${request.type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#worker.postMessage({ ...request, id });
    });
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#rejectAll('media worker was stopped');
    await this.#worker.terminate();
    await this.#exited;
  }

  #ready(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        this.#clock.clearTimeout(timer);
        this.#closing = true;
        void this.#worker.terminate();
        reject(err);
      };
      const timer = this.#clock.setTimeout(
        () => fail(new MediaError(`media worker not ready within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#worker.on('error', (err) => {
        this.#lastError = err.stack ?? err.message;
      });
      this.#worker.on('exit', (code) => {
        const reason = this.#lastError ?? `exit code ${code}`;
        if (this.#closing) return;
        this.#closing = true;
        this.#clock.clearTimeout(timer);
        this.#rejectAll(`media worker crashed: ${reason.split('\n')[0]}`);
        reject(new MediaError(`media worker exited before it was ready: ${reason}`));
        this.events.emit('crashed', { reason });
      });
      this.#worker.on('message', (message: WorkerMessage) => {
        if (message.kind === 'ready') {
          this.#clock.clearTimeout(timer);
          resolve();
        } else if (message.kind === 'init-failed') {
          fail(new MediaError(`media worker could not start: ${message.error.message}`));
        } else this.#onMessage(message);
      });
    });
  }

  #onMessage(message: WorkerMessage): void {
    if (message.kind === 'response') {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      this.#clock.clearTimeout(pending.timer);
      if (message.ok) pending.resolve(message.result);
      else pending.reject(deserializeError(message.error));
    } else if (message.kind === 'peer-state') {
      this.events.emit('peer-state', { peerId: message.peerId, state: message.state });
    } else if (message.kind === 'warning') {
      this.events.emit('warning', { message: message.message });
    }
  }

  #rejectAll(reason: string): void {
    for (const pending of this.#pending.values()) {
      this.#clock.clearTimeout(pending.timer);
      pending.reject(new MediaError(reason));
    }
    this.#pending.clear();
  }
}
