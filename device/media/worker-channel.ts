import type { IceCandidate } from '../../cloud-sync/protocol/ice.ts';
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import { NotFoundError, PortvaktError, ValidationError } from '../../lib/errors.ts';
import { SafeEmitter } from '../../lib/events.ts';
import type { DtmfDigit } from '../phone/types.ts';
import { type MediaIsolation, type MediaLink, openMediaLink } from './media-link.ts';
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
  'local-candidate': { peerId: string; candidate: IceCandidate | null };
  warning: { message: string };
  'phone-digit': { callId: string; digit: DtmfDigit };
  /** The media worker died on its own; every pending request has been rejected. */
  crashed: { reason: string };
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  timer: TimerHandle;
}

/**
 * Requests to the media code (werift: SRTP, RTP fan-out) and its events, over a MediaLink (a worker
 * thread or a child process): ids, timeouts, readiness and crash detection.
 */
export class WorkerChannel {
  readonly events = new SafeEmitter<ChannelEvents>();
  readonly #link: MediaLink;
  readonly #clock: Clock;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closing = false;

  private constructor(link: MediaLink, clock: Clock) {
    this.#link = link;
    this.#clock = clock;
  }

  /**
   * Starts the media thread or process `nice` levels below our own priority; resolves once it has bound
   * the camera's ports and is ready for requests.
   */
  static async open(options: {
    isolation: MediaIsolation;
    url: URL;
    init: WorkerInit;
    clock: Clock;
    readyTimeoutMs: number;
    nice: number;
  }): Promise<WorkerChannel> {
    const link = openMediaLink(options);
    const channel = new WorkerChannel(link, options.clock);
    await channel.#ready(options.readyTimeoutMs);
    return channel;
  }

  /** The media process's pid; for a thread, the panel's own. */
  get pid(): number | undefined {
    return this.#link.pid;
  }

  get isolation(): MediaIsolation {
    return this.#link.isolation;
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
      this.#link.send({ ...request, id }).catch((err: unknown) => {
        if (!this.#pending.delete(id)) return;
        this.#clock.clearTimeout(timer);
        const why = err instanceof Error ? err.message : String(err);
        reject(new MediaError(`media worker did not take "${request.type}": ${why}`));
      });
    });
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#rejectAll('media worker was stopped');
    await this.#link.end();
  }

  #ready(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        this.#clock.clearTimeout(timer);
        this.#closing = true;
        void this.#link.end();
        reject(err);
      };
      const timer = this.#clock.setTimeout(
        () => fail(new MediaError(`media worker not ready within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#link.events.on('gone', ({ reason }) => {
        if (this.#closing) return;
        this.#closing = true;
        this.#clock.clearTimeout(timer);
        this.#rejectAll(`media worker crashed: ${reason.split('\n')[0]}`);
        reject(new MediaError(`media worker exited before it was ready: ${reason}`));
        this.events.emit('crashed', { reason });
      });
      this.#link.events.on('message', (data) => {
        const message = data as WorkerMessage;
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
    } else if (message.kind === 'local-candidate') {
      this.events.emit('local-candidate', { peerId: message.peerId, candidate: message.candidate });
    } else if (message.kind === 'peer-state') {
      this.events.emit('peer-state', { peerId: message.peerId, state: message.state });
    } else if (message.kind === 'phone-digit') {
      this.events.emit('phone-digit', {
        callId: message.callId,
        digit: { digit: message.digit, source: message.source },
      });
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
