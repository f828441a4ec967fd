/**
 * The service manager's notifications (sd_notify): READY=1 once a process has started, WATCHDOG=1 from
 * its event loop, STOPPING=1 when it stops, STATUS= lines for `systemctl status`.
 *
 * The watchdog ping is scheduled on the event loop on purpose: a loop that stalls (a busy loop, a
 * synchronous call that never returns, SIGSTOP) sends nothing, and systemd kills and restarts the
 * process after WatchdogSec. The interval is WatchdogSec/3, read from WATCHDOG_USEC, as sd_notify(3)
 * recommends (two missed pings still leave a margin).
 *
 * Without NOTIFY_SOCKET (the simulator, a container, a test) `systemdNotifierFromEnv` returns undefined
 * and nothing is sent. How a message reaches systemd is the `NotifySender`'s job (exec-sender.ts).
 */
import type { Clock, TimerHandle } from '../clock/clock.ts';
import type { Logger } from '../log/logger.ts';

/** Sends one notification (newline-separated `KEY=VALUE` assignments); fire and forget. */
export interface NotifySender {
  send(assignments: string[]): void;
}

export interface NotifierEnv {
  NOTIFY_SOCKET?: string | undefined;
  WATCHDOG_USEC?: string | undefined;
  WATCHDOG_PID?: string | undefined;
}

export interface SystemdNotifierOptions {
  sender: NotifySender;
  clock: Clock;
  logger: Logger;
  /** The watchdog's period from WATCHDOG_USEC, in ms; undefined: no watchdog configured. */
  watchdogMs?: number | undefined;
}

/** The longest interval between pings we accept; a larger WATCHDOG_USEC is capped (a typo of units). */
const MAX_PING_MS = 60_000;
/** STATUS= is shown by `systemctl status`; keep it one short line whatever the caller passes. */
const MAX_STATUS_CHARS = 200;

export class SystemdNotifier {
  readonly #sender: NotifySender;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #pingMs: number | undefined;
  #timer: TimerHandle | undefined;
  #stopped = false;

  constructor(options: SystemdNotifierOptions) {
    this.#sender = options.sender;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#pingMs =
      options.watchdogMs !== undefined && options.watchdogMs > 0
        ? Math.min(MAX_PING_MS, Math.max(1, Math.floor(options.watchdogMs / 3)))
        : undefined;
  }

  /** The interval between watchdog pings in ms (WatchdogSec/3), or undefined without a watchdog. */
  get pingIntervalMs(): number | undefined {
    return this.#pingMs;
  }

  /** The process has started (for the panel: relays locked, store open, API listening). Starts the pings. */
  ready(status?: string): void {
    if (this.#stopped) return;
    this.#sender.send(['READY=1', ...statusLine(status)]);
    if (this.#pingMs !== undefined && !this.#timer) {
      this.#logger.info({ pingMs: this.#pingMs }, 'systemd watchdog: pinging from the event loop');
      this.#schedule(this.#pingMs);
    }
  }

  status(text: string): void {
    if (this.#stopped) return;
    this.#sender.send(statusLine(text));
  }

  /** The process is stopping: no more pings (systemd's stop timeout applies from here). */
  stopping(status?: string): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#sender.send(['STOPPING=1', ...statusLine(status)]);
  }

  #schedule(ms: number): void {
    this.#timer = this.#clock.setTimeout(() => {
      if (this.#stopped) return;
      this.#sender.send(['WATCHDOG=1']);
      this.#schedule(ms);
    }, ms);
  }
}

function statusLine(text: string | undefined): string[] {
  if (text === undefined) return [];
  const oneLine = text.replace(/[\r\n]+/g, ' ').slice(0, MAX_STATUS_CHARS);
  return [`STATUS=${oneLine}`];
}

/**
 * The watchdog period systemd asks for, in ms: WATCHDOG_USEC, when WATCHDOG_PID is unset or names this
 * process (a child that inherited the environment must not ping for its parent).
 */
export function watchdogMsFromEnv(env: NotifierEnv, pid: number): number | undefined {
  if (env.WATCHDOG_PID !== undefined && env.WATCHDOG_PID !== String(pid)) return undefined;
  if (env.WATCHDOG_USEC === undefined || !/^\d{1,15}$/.test(env.WATCHDOG_USEC)) return undefined;
  const usec = Number(env.WATCHDOG_USEC);
  return usec > 0 ? usec / 1000 : undefined;
}

/** A notifier when the process runs under systemd with Type=notify (NOTIFY_SOCKET set), else undefined. */
export function systemdNotifierFromEnv(
  env: NotifierEnv,
  deps: { sender: NotifySender; clock: Clock; logger: Logger; pid: number },
): SystemdNotifier | undefined {
  if (!env.NOTIFY_SOCKET) return undefined;
  return new SystemdNotifier({
    sender: deps.sender,
    clock: deps.clock,
    logger: deps.logger,
    watchdogMs: watchdogMsFromEnv(env, deps.pid),
  });
}
