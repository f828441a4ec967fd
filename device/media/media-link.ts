/**
 * The panel's end of the link to werift's media code: a worker thread in the panel process (default) or
 * a child process of its own. Both carry the same messages (structured clone) and report the same way
 * when the other side is gone; WorkerChannel builds requests, timeouts and crash handling on top.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { stat } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SafeEmitter } from '../../lib/events.ts';
import { MEDIA_INIT_ENV, type MediaIsolation, type MediaThreadData, type WorkerInit } from './protocol.ts';

export { MEDIA_ISOLATIONS, type MediaIsolation } from './protocol.ts';

/**
 * Node flags of the media process, and only these (a test runner's loaders and inspectors stay out).
 * `--max-semi-space-size=1`: a 2 MB young generation, as the panel's (bin/portvakt.js). The camera's RTP
 * arrives here at ~110 packets a second even with no viewer, and that steady allocation made V8 grow the
 * young generation to 16 MB and keep it: the idle media process measured 88–91 MB before, 80–83 MB with
 * the cap (panel_total_idle_rss_mb, `npm run bench -- --only process`). Its live heap is ~19 MB.
 * Measured and left out: `--lite-mode` (−12 MB, but it turns WebAssembly off, which Node's TypeScript
 * loader needs, and costs 40 % more CPU at idle) and `--no-turbofan --no-maglev` (−8 MB, but pure
 * JavaScript ran 1.5–2.3× slower, and the packet path of eight viewers is such code). A media thread
 * shares the panel's flags, which already include this one.
 */
export const MEDIA_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1'];

/**
 * The media thread's heap limits. Young generation 8 MB: with 3 MB (as small as the panel's) the viewers'
 * packet path cost 6–8 % more CPU per viewer (cpu_per_peer_ratio_vs_bare 1.15–1.18 against 1.04), and
 * at idle it makes no difference (panel_total_idle_rss_mb 150.5 against 151.1 MB). Old generation ~5×
 * the live heap (~19 MB): beyond it V8 ends the thread (ERR_WORKER_OUT_OF_MEMORY), and the panel logs a
 * crash and starts a new one.
 */
export const MEDIA_THREAD_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 96 } as const;

export interface MediaLinkEvents {
  [event: string]: unknown;
  message: unknown;
  /** The other side has ended (exit, crash, or it never started). Emitted once. */
  gone: { reason: string };
}

export interface MediaLink {
  readonly isolation: MediaIsolation;
  /** The media process's pid; for a thread, the panel's own. */
  readonly pid: number | undefined;
  readonly events: SafeEmitter<MediaLinkEvents>;
  /** Rejects when the message cannot be handed over (the other side is gone). */
  send(message: unknown): Promise<void>;
  /** Asks it to end, forces it after 2 s; resolves once it has. */
  end(): Promise<void>;
}

export interface MediaLinkOptions {
  isolation: MediaIsolation;
  url: URL;
  init: WorkerInit;
  /** Niceness below the panel's own priority (door control outranks video when the CPU is short). */
  nice: number;
}

export function openMediaLink(options: MediaLinkOptions): MediaLink {
  return options.isolation === 'thread' ? new ThreadLink(options) : new ProcessLink(options);
}

/** The priority `nice` steps below ours, or undefined when there is nothing to lower. */
function loweredPriority(nice: number): number | undefined {
  return nice === 0 ? undefined : Math.min(19, getPriority() + nice);
}

class ThreadLink implements MediaLink {
  readonly isolation = 'thread';
  readonly pid = process.pid;
  readonly events = new SafeEmitter<MediaLinkEvents>();
  readonly #worker: Worker;
  readonly #exited: Promise<void>;
  #lastError: string | undefined;

  constructor(options: MediaLinkOptions) {
    // Threads inherit the nice value of the thread that creates them, and libuv's pool (file system,
    // DNS, crypto for the whole process) is created by whichever thread first needs it: if that were
    // the lowered media thread, the panel's own pool work would run below the panel's priority too.
    // Any pool request creates it, synchronously, here on the panel's thread.
    stat('.', () => {});
    const workerData: MediaThreadData = { init: options.init, priority: loweredPriority(options.nice) };
    this.#worker = new Worker(options.url, {
      workerData,
      resourceLimits: MEDIA_THREAD_LIMITS,
      // A test runner's loaders stay out, as with the media process.
      execArgv: [],
    });
    this.#worker.on('message', (message) => this.events.emit('message', message));
    this.#worker.on('error', (err) => {
      this.#lastError = err.stack ?? err.message;
    });
    this.#exited = new Promise((resolve) => {
      this.#worker.once('exit', (code) => {
        this.events.emit('gone', { reason: this.#lastError ?? `exit code ${code}` });
        resolve();
      });
    });
  }

  send(message: unknown): Promise<void> {
    try {
      this.#worker.postMessage(message);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Waits for the thread to end by itself (it lets go of its channel after `shutdown`), and terminates it
   * only if it has not within 2 s. Terminating a thread while one of its crypto jobs is in flight (werift
   * makes a DTLS key pair for each spare peer) aborts the whole process in Node 24
   * (`KeyGenJob::ToResult: Assertion failed: try_catch.CanContinue()`): under load, one panel stop in
   * six ended that way (SIGABRT).
   */
  async end(): Promise<void> {
    const ended = await Promise.race([
      this.#exited.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000).unref()),
    ]);
    if (!ended) await this.#worker.terminate();
    await this.#exited;
  }
}

class ProcessLink implements MediaLink {
  readonly isolation = 'process';
  readonly events = new SafeEmitter<MediaLinkEvents>();
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  #lastError: string | undefined;

  constructor(options: MediaLinkOptions) {
    this.#child = fork(fileURLToPath(options.url), [], {
      // Structured clone, as between threads.
      serialization: 'advanced',
      execArgv: [...MEDIA_NODE_FLAGS],
      env: { ...process.env, [MEDIA_INIT_ENV]: JSON.stringify(options.init) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const priority = loweredPriority(options.nice);
    if (this.#child.pid !== undefined && priority !== undefined) {
      try {
        setPriority(this.#child.pid, priority);
      } catch {
        // Not permitted (an unprivileged panel lowering below 0): media simply runs at our priority.
      }
    }
    let gone = false;
    const leave = (reason: string): void => {
      if (gone) return;
      gone = true;
      this.events.emit('gone', { reason });
    };
    this.#exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        leave(this.#lastError ?? (signal ? `killed by ${signal}` : `exit code ${code}`));
        resolve();
      });
      this.#child.on('error', (err) => {
        this.#lastError = err.stack ?? err.message;
        // No pid: the process never started, and no 'exit' follows.
        if (this.#child.pid === undefined) {
          leave(`could not start the media process: ${err.message}`);
          resolve();
        }
      });
    });
    this.#child.on('message', (message) => this.events.emit('message', message));
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  send(message: unknown): Promise<void> {
    return new Promise((resolve, reject) => {
      try {
        this.#child.send(message as object, (err) => (err ? reject(err) : resolve()));
      } catch (err) {
        reject(err);
      }
    });
  }

  /** SIGTERM, and SIGKILL if the process has not gone within 2 s. */
  async end(): Promise<void> {
    const child = this.#child;
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      timer.unref();
      await this.#exited;
      clearTimeout(timer);
    }
    await this.#exited;
  }
}
