import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import { HardwareError } from '../../lib/errors.ts';
import { SafeEmitter } from '../../lib/events.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { MediaProcessEvents, ProcessExit } from './types.ts';

export interface RestartPolicy {
  /** Delay before the first restart after a crash; doubles with every further fast failure. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** A run shorter than this is a fast failure (the pipeline cannot work, e.g. camera unplugged). */
  fastRunMs: number;
  /** This many fast failures in a row and the process is given up ('failed'). */
  maxFastFailures: number;
}

export const defaultRestartPolicy: RestartPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  fastRunMs: 5000,
  maxFastFailures: 5,
};

export interface GstProcessOptions {
  /** For logs and reasons: "camera", "speaker". */
  name: string;
  /** gst-launch-1.0 argv (see launchArgs). */
  args: readonly string[];
  clock: Clock;
  logger: Logger;
  restart?: Partial<RestartPolicy>;
  /** Path of gst-launch-1.0; a bare name is looked up on PATH. */
  gstLaunch?: string;
  /** Receives the child's stdout (stdout is ignored without it). */
  onStdout?: (chunk: Buffer) => void;
}

// PR_SET_PDEATHSIG through setpriv: the kernel kills the pipeline even when Node itself is SIGKILLed,
// which no exit handler can cover. setpriv execs gst-launch, so the PID stays the pipeline's own.
const SETPRIV = '/usr/bin/setpriv';
const hasSetpriv = existsSync(SETPRIV);

/** Every pipeline of this process, killed synchronously when Node exits by any path that runs JS. */
const live = new Set<ChildProcess>();
const killLive = () => {
  for (const child of live) child.kill('SIGKILL');
};

/**
 * One supervised gst-launch-1.0 child. A crash is restarted with the same argv (so with the same ports)
 * after a backoff on the injected clock; repeated fast failures, or a pipeline GStreamer cannot even
 * build, end in 'failed' instead of a restart loop.
 */
export class GstProcess {
  readonly events = new SafeEmitter<MediaProcessEvents>();
  readonly #o: GstProcessOptions;
  readonly #policy: RestartPolicy;
  readonly #log: Logger;
  #child: ChildProcess | undefined;
  #running = false;
  #timer: TimerHandle | undefined;
  #startedAt = 0;
  #fastFailures = 0;
  #restarts = 0;
  #exited: Promise<void> = Promise.resolve();

  constructor(options: GstProcessOptions) {
    this.#o = options;
    this.#policy = { ...defaultRestartPolicy, ...options.restart };
    this.#log = options.logger.child({ pipeline: options.name });
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Spawns the child; resolves with its PID once it runs. Rejects if it cannot be spawned at all. */
  async start(): Promise<number> {
    if (this.#running) throw new HardwareError(`${this.#o.name} pipeline is already running`);
    this.#running = true;
    this.#fastFailures = 0;
    try {
      return await this.#spawn();
    } catch (err) {
      this.#running = false;
      throw err;
    }
  }

  /** Stops restarting, kills the child by PID and resolves once it has gone. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#o.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    const child = this.#child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      // gst-launch dies on SIGTERM at once; SIGKILL covers a pipeline stuck in a driver call.
      const escalate = setTimeout(() => child.kill('SIGKILL'), 1000);
      await this.#exited;
      clearTimeout(escalate);
    }
    await this.#exited;
  }

  #spawn(): Promise<number> {
    const command = this.#o.gstLaunch ?? 'gst-launch-1.0';
    const [file, argv] = hasSetpriv
      ? [SETPRIV, ['--pdeathsig', 'KILL', command, ...this.#o.args]]
      : [command, [...this.#o.args]];
    const child = spawn(file, argv, { stdio: ['ignore', this.#o.onStdout ? 'pipe' : 'ignore', 'pipe'] });
    this.#child = child;
    this.#startedAt = this.#o.clock.monotonic();
    live.add(child);
    if (live.size === 1) process.on('exit', killLive);
    let stderr = '';
    createInterface({ input: child.stderr! }).on('line', (line) => {
      stderr = `${stderr}${line}\n`.slice(-2000);
      this.#log.warn({ pid: child.pid, stderr: line }, 'GStreamer wrote to stderr');
    });
    if (this.#o.onStdout) child.stdout!.on('data', this.#o.onStdout);
    const { promise: exited, resolve: resolveExited } = Promise.withResolvers<void>();
    this.#exited = exited;
    return new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid!));
      child.once('error', (err) => {
        // Only a failed spawn (no PID) is fatal here; kill errors on a dying child are not.
        if (child.pid !== undefined) return;
        this.#forget(child);
        resolveExited();
        reject(new HardwareError(`cannot run ${file}: ${err.message}`, { cause: err }));
      });
      // 'close' rather than 'exit': the last stderr lines (GStreamer's reason) have arrived by then.
      child.once('close', (code, signal) => {
        this.#forget(child);
        resolveExited();
        this.#onExit({ code, signal, stderr: stderr.trim() });
      });
    });
  }

  #forget(child: ChildProcess): void {
    live.delete(child);
    if (live.size === 0) process.off('exit', killLive);
    if (this.#child === child) this.#child = undefined;
  }

  #onExit(exit: ProcessExit): void {
    if (!this.#running) return;
    this.#log.warn({ code: exit.code, signal: exit.signal }, 'pipeline exited');
    this.events.emit('exit', exit);
    const permanent = permanentFailure(exit);
    if (permanent) {
      this.#fail(permanent);
      return;
    }
    const ranMs = this.#o.clock.monotonic() - this.#startedAt;
    this.#fastFailures = ranMs < this.#policy.fastRunMs ? this.#fastFailures + 1 : 0;
    if (this.#fastFailures >= this.#policy.maxFastFailures) {
      const last = gstErrorSummary(exit.stderr) ?? describeExit(exit);
      this.#fail(`${this.#o.name} pipeline failed ${this.#fastFailures} times in a row; last: ${last}`);
      return;
    }
    const delay = Math.min(
      this.#policy.maxDelayMs,
      this.#policy.initialDelayMs * 2 ** Math.max(0, this.#fastFailures - 1),
    );
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = undefined;
      if (!this.#running) return;
      this.#restarts++;
      this.#spawn().then(
        (pid) => {
          this.#log.info({ pid, restarts: this.#restarts }, 'pipeline restarted');
          this.events.emit('restarted', { pid, restarts: this.#restarts });
        },
        (err: unknown) => this.#fail(`${this.#o.name} pipeline cannot be restarted: ${String(err)}`),
      );
    }, delay);
  }

  #fail(reason: string): void {
    this.#running = false;
    this.#log.error({ reason }, 'pipeline given up');
    this.events.emit('failed', { reason });
  }
}

/**
 * GStreamer's own reason from gst-launch's stderr: the first "ERROR: from element <path>: <message>"
 * with the detail line that follows "Additional debug info:" and the source location.
 */
export function gstErrorSummary(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((l) => l.trim());
  const i = lines.findIndex((l) => l.startsWith('ERROR: from element '));
  if (i < 0) return lines.filter(Boolean).at(-1);
  const m = /^ERROR: from element (\S+): (.*)$/.exec(lines[i]!);
  const element = m?.[1]?.split('/').at(-1)?.split(':').at(-1) ?? 'pipeline';
  const detail = lines[i + 1] === 'Additional debug info:' ? lines[i + 3] : undefined;
  return `${element}: ${m?.[2] ?? lines[i]}${detail ? ` (${detail})` : ''}`;
}

function describeExit(exit: ProcessExit): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

/** Failures that a restart cannot fix: the reason, or undefined for "try again". */
function permanentFailure(exit: ProcessExit): string | undefined {
  const parse = /erroneous pipeline: (.*)/.exec(exit.stderr);
  if (parse) return `GStreamer cannot build the pipeline: ${parse[1]}`;
  // setpriv's "cannot execute": gst-launch-1.0 is not installed or not on PATH.
  if (exit.code === 127) return `gst-launch-1.0 could not be executed: ${exit.stderr || 'not found'}`;
  return undefined;
}
