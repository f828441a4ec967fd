/**
 * Sends sd_notify messages by running `systemd-notify KEY=VALUE…` (systemd's own tool).
 *
 * Why exec: Node has no unix datagram sockets, and the maintained way around that is a native addon to
 * build for arm64 and keep current. systemd-notify (systemd 252, Debian 12) waits until PID 1 has
 * processed the message (a barrier), so the message is attributed to the service even though it comes
 * from a short-lived child: the unit needs NotifyAccess=all. Cost on a Raspberry Pi 4: one fork+exec of a
 * small C program (a few ms of CPU) per ping, every WatchdogSec/3 — under 0.1 % of one core at 20 s.
 *
 * At most one message is in flight; a ping that finds the previous one still running is dropped (a
 * stuck PID 1 must not make the panel pile up processes). READY/STOPPING/STATUS are queued behind it.
 */
import { execFile } from 'node:child_process';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import type { NotifySender } from './notifier.ts';

export interface ExecNotifySenderOptions {
  logger: Logger;
  /** The program to run; tests point it at a stand-in. */
  command?: string;
  /** Environment for the program: NOTIFY_SOCKET must be in it (default: this process's). */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;

export class ExecNotifySender implements NotifySender {
  readonly #logger: Logger;
  readonly #command: string;
  readonly #env: NodeJS.ProcessEnv | undefined;
  readonly #timeoutMs: number;
  #busy = false;
  #queue: string[][] = [];
  #warned = false;

  constructor(options: ExecNotifySenderOptions) {
    this.#logger = options.logger;
    this.#command = options.command ?? 'systemd-notify';
    this.#env = options.env;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  send(assignments: string[]): void {
    const isPing = assignments.length === 1 && assignments[0] === 'WATCHDOG=1';
    if (this.#busy) {
      if (!isPing) this.#queue.push(assignments);
      return;
    }
    this.#run(assignments);
  }

  /** Resolves when nothing is queued or running (tests; a clean stop waits for STOPPING=1 to go out). */
  async idle(): Promise<void> {
    while (this.#busy) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  #run(assignments: string[]): void {
    this.#busy = true;
    execFile(
      this.#command,
      assignments,
      { env: this.#env ?? process.env, timeout: this.#timeoutMs, windowsHide: true },
      (err) => {
        if (err && !this.#warned) {
          // Once: a missing tool or socket would otherwise log every few seconds.
          this.#warned = true;
          this.#logger.warn({ err: errorMessage(err) }, 'systemd notification failed');
        }
        this.#busy = false;
        const next = this.#queue.shift();
        if (next) this.#run(next);
      },
    );
  }
}
