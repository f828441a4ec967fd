/**
 * Keeps Chromium on the panel page: waits until the panel answers, starts the browser with a fresh
 * profile, and starts it again when it ends or its page is lost (crashed renderer, error page), with a
 * backoff (1 s doubling to 30 s, back to 1 s after a minute of running) so a browser that cannot start
 * does not spin. The compositor stays up meanwhile, so the screen never falls back to a console.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import { SafeEmitter } from '../../lib/events.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { CdpPipe } from './cdp-pipe.ts';
import { chromiumArgs } from './chromium-args.ts';
import type { KioskConfig } from './kiosk-config.ts';
import { PageWatch } from './page-watch.ts';

export const RESTART_MIN_MS = 1000;
export const RESTART_MAX_MS = 30_000;
/** A browser that ran this long ended for a new reason: the next restart is quick again. */
export const HEALTHY_RUN_MS = 60_000;
/** How long Chromium gets to end on SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 5000;
const PANEL_POLL_MS = 1000;

export type BrowserRunnerEvents = {
  started: { pid: number };
  ended: { pid: number; code: number | null; signal: NodeJS.Signals | null; restartInMs: number };
};

export interface BrowserRunnerOptions {
  config: KioskConfig;
  /** Where profiles go (tmpfs: the session's XDG_RUNTIME_DIR). */
  runtimeDir: string;
  clock: Clock;
  log: Logger;
  /** Resolves once the panel answers; the default asks its /healthz. */
  panelAnswers?: (signal: AbortSignal) => Promise<boolean>;
}

export class BrowserRunner {
  readonly events = new SafeEmitter<BrowserRunnerEvents>();
  readonly #options: BrowserRunnerOptions;
  readonly #abort = new AbortController();
  #child: ChildProcess | undefined;
  #watch: PageWatch | undefined;
  #ignoreInput = false;
  #delayMs = RESTART_MIN_MS;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #timer: TimerHandle | undefined;

  constructor(options: BrowserRunnerOptions) {
    this.#options = options;
  }

  start(): void {
    this.#loop ??= this.#run().catch((err: unknown) => {
      this.#options.log.error({ err: String(err) }, 'the browser loop failed');
    });
  }

  /** Touches and keys are dropped by the page while set (the screen is dark); kept across restarts. */
  async setIgnoreInput(ignore: boolean): Promise<void> {
    this.#ignoreInput = ignore;
    await this.#watch?.setIgnoreInput(ignore).catch((err: unknown) => {
      this.#options.log.warn({ err: String(err) }, 'could not change the input guard');
    });
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    this.#options.clock.clearTimeout(this.#timer);
    this.#wake?.();
    this.#terminate();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const { clock, log } = this.#options;
    while (!this.#abort.signal.aborted) {
      await this.#untilPanelAnswers();
      if (this.#abort.signal.aborted) return;
      const startedAt = clock.monotonic();
      const { pid, code, signal } = await this.#runOnce();
      if (this.#abort.signal.aborted) return;
      if (clock.monotonic() - startedAt >= HEALTHY_RUN_MS) this.#delayMs = RESTART_MIN_MS;
      const restartInMs = this.#delayMs;
      this.#delayMs = Math.min(this.#delayMs * 2, RESTART_MAX_MS);
      log.warn({ pid, code, signal, restartInMs }, 'the browser ended; starting it again');
      this.events.emit('ended', { pid, code, signal, restartInMs });
      await this.#sleep(restartInMs);
    }
  }

  /** One browser's life: from spawn to exit. */
  async #runOnce(): Promise<{ pid: number; code: number | null; signal: NodeJS.Signals | null }> {
    const { config, runtimeDir, clock, log } = this.#options;
    // Everything the browser writes stays on the runtime dir's tmpfs and starts empty each time: the
    // profile, its crash database and caches (XDG), its singleton socket (TMPDIR).
    const base = join(runtimeDir, 'portvakt-kiosk');
    rmSync(base, { recursive: true, force: true });
    const dirs = {
      profile: join(base, 'profile'),
      config: join(base, 'config'),
      cache: join(base, 'cache'),
      tmp: join(base, 'tmp'),
    };
    for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true, mode: 0o700 });
    const child = spawn(config.chromium.path, chromiumArgs(config, dirs.profile), {
      stdio: ['ignore', 'inherit', 'inherit', 'pipe', 'pipe'],
      env: { ...process.env, XDG_CONFIG_HOME: dirs.config, XDG_CACHE_HOME: dirs.cache, TMPDIR: dirs.tmp },
    });
    this.#child = child;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', (err) => {
        log.error({ err: err.message, path: config.chromium.path }, 'the browser could not be started');
        resolve({ code: null, signal: null });
      });
    });
    const pid = child.pid ?? -1;
    if (child.pid !== undefined) {
      log.info({ pid, url: config.url }, 'browser started');
      this.events.emit('started', { pid });
      const cdp = new CdpPipe(child.stdio[3] as Writable, child.stdio[4] as Readable, clock, log);
      const watch = new PageWatch(cdp, log);
      watch.events.on('lost', (reason) => {
        if (this.#child !== child || this.#abort.signal.aborted) return;
        log.warn({ pid, reason }, 'the panel page is lost; restarting the browser');
        this.#terminate();
      });
      this.#watch = watch;
      watch
        .start()
        .then(() => watch.setIgnoreInput(this.#ignoreInput))
        .catch((err: unknown) => log.warn({ err: String(err) }, 'the DevTools pipe did not answer'));
    }
    const result = await exited;
    this.#child = undefined;
    this.#watch = undefined;
    return { pid, ...result };
  }

  /** SIGTERM to the browser, SIGKILL if it is still there after the grace period. */
  #terminate(): void {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = this.#options.clock.setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, STOP_GRACE_MS);
    child.once('exit', () => this.#options.clock.clearTimeout(timer));
  }

  async #untilPanelAnswers(): Promise<void> {
    const answers =
      this.#options.panelAnswers ?? ((signal) => panelAnswers(this.#options.config.url, signal));
    let said = false;
    while (!this.#abort.signal.aborted) {
      if (await answers(this.#abort.signal)) return;
      if (!said) this.#options.log.info({ url: this.#options.config.url }, 'waiting for the panel to answer');
      said = true;
      await this.#sleep(PANEL_POLL_MS);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
      this.#timer = this.#options.clock.setTimeout(resolve, ms);
    });
  }
}

/** Whether the panel's local API answers at all (a degraded panel's 503 still serves the page). */
async function panelAnswers(pageUrl: string, signal: AbortSignal): Promise<boolean> {
  try {
    const res = await fetch(new URL('/healthz', pageUrl), {
      signal: AbortSignal.any([signal, AbortSignal.timeout(2000)]),
    });
    await res.body?.cancel();
    return true;
  } catch {
    return false;
  }
}
