import { type ChildProcess, fork } from 'node:child_process';
import { getPriority, setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { IceCandidate } from '../../cloud-sync/protocol/ice.ts';
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import { NotFoundError, PortvaktError, ValidationError } from '../../lib/errors.ts';
import { SafeEmitter } from '../../lib/events.ts';
import type { DtmfDigit } from '../phone/types.ts';
import {
  MEDIA_INIT_ENV,
  type MediaRequest,
  type PeerState,
  type SerializedError,
  type WorkerInit,
  type WorkerMessage,
} from './protocol.ts';

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
  /** The media process died on its own; every pending request has been rejected. */
  crashed: { reason: string };
}

/**
 * Node flags of the media process, and only these (a test runner's loaders and inspectors stay out).
 * `--max-semi-space-size=1`: a 2 MB young generation, as the panel's (bin/portvakt.js). The camera's RTP
 * arrives here at ~110 packets a second even with no viewer, and that steady allocation made V8 grow the
 * young generation to 16 MB and keep it: the idle media process measured 88–91 MB before, 80–83 MB with
 * the cap (panel_total_idle_rss_mb, `npm run bench -- --only process`). Its live heap is ~19 MB.
 * Measured and left out: `--lite-mode` (−12 MB, but it turns WebAssembly off, which Node's TypeScript
 * loader needs, and costs 40 % more CPU at idle) and `--no-turbofan --no-maglev` (−8 MB, but pure
 * JavaScript ran 1.5–2.3× slower, and the packet path of eight viewers is such code).
 */
export const MEDIA_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1'];

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  timer: TimerHandle;
}

/**
 * The media process (werift: SRTP, RTP fan-out) and the request/response traffic with it (ids,
 * timeouts, crash detection). A child process rather than a worker thread: the door-control process
 * keeps its memory to itself, the kernel schedules media below it (`nice`), and a fault in the media
 * stack cannot take the relays down with it.
 */
export class WorkerChannel {
  readonly events = new SafeEmitter<ChannelEvents>();
  readonly #worker: ChildProcess;
  readonly #clock: Clock;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closing = false;
  #lastError: string | undefined;
  readonly #exited: Promise<void>;

  private constructor(worker: ChildProcess, clock: Clock) {
    this.#worker = worker;
    this.#clock = clock;
    this.#exited = new Promise((resolve) => {
      worker.once('exit', () => resolve());
      worker.once('error', () => {
        if (worker.pid === undefined) resolve();
      });
    });
  }

  /**
   * Starts the media process `nice` levels below our own priority; resolves once it has bound the
   * camera's ports and is ready for requests.
   */
  static async open(
    url: URL,
    init: WorkerInit,
    clock: Clock,
    readyTimeoutMs: number,
    nice: number,
  ): Promise<WorkerChannel> {
    const child = fork(fileURLToPath(url), [], {
      // Structured clone, as between threads.
      serialization: 'advanced',
      execArgv: [...MEDIA_NODE_FLAGS],
      env: { ...process.env, [MEDIA_INIT_ENV]: JSON.stringify(init) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    if (child.pid !== undefined && nice !== 0) {
      try {
        setPriority(child.pid, Math.min(19, getPriority() + nice));
      } catch {
        // Not permitted (an unprivileged panel lowering below 0): media simply runs at our priority.
      }
    }
    const channel = new WorkerChannel(child, clock);
    await channel.#ready(readyTimeoutMs);
    return channel;
  }

  get pid(): number | undefined {
    return this.#worker.pid;
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
      this.#worker.send({ ...request, id }, (err) => {
        if (!err || !this.#pending.delete(id)) return;
        this.#clock.clearTimeout(timer);
        reject(new MediaError(`media process did not take "${request.type}": ${err.message}`));
      });
    });
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#rejectAll('media worker was stopped');
    this.#terminate();
    await this.#exited;
  }

  /** SIGTERM, and SIGKILL if the process has not gone within 2 s. */
  #terminate(): void {
    const w = this.#worker;
    if (w.pid === undefined || w.exitCode !== null || w.signalCode !== null) return;
    this.#worker.kill('SIGTERM');
    const timer = setTimeout(() => this.#worker.kill('SIGKILL'), 2000);
    timer.unref();
    void this.#exited.then(() => clearTimeout(timer));
  }

  #ready(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        this.#clock.clearTimeout(timer);
        this.#closing = true;
        this.#terminate();
        reject(err);
      };
      const timer = this.#clock.setTimeout(
        () => fail(new MediaError(`media worker not ready within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const gone = (reason: string) => {
        if (this.#closing) return;
        this.#closing = true;
        this.#clock.clearTimeout(timer);
        this.#rejectAll(`media worker crashed: ${reason.split('\n')[0]}`);
        reject(new MediaError(`media worker exited before it was ready: ${reason}`));
        this.events.emit('crashed', { reason });
      };
      this.#worker.on('error', (err) => {
        this.#lastError = err.stack ?? err.message;
        // No pid: the process never started, and no 'exit' follows.
        if (this.#worker.pid === undefined) gone(`could not start the media process: ${err.message}`);
      });
      this.#worker.on('exit', (code, signal) =>
        gone(this.#lastError ?? (signal ? `killed by ${signal}` : `exit code ${code}`)),
      );
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
