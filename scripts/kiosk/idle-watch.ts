/**
 * Idle and activity from the compositor: swayidle (a Debian package) asks cage over its idle protocol
 * and runs a command when nobody touched the screen for N seconds and another at the next touch. Its
 * commands only print a word; this process reads them and decides (the night blanker).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import { SafeEmitter } from '../../lib/events.ts';
import type { Logger } from '../../lib/log/logger.ts';

const RESTART_DELAY_MS = 5000;

export class IdleWatch {
  readonly events = new SafeEmitter<{ idle: undefined; active: undefined }>();
  readonly #idleSeconds: number;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #command: string;
  #child: ChildProcess | undefined;
  #timer: TimerHandle | undefined;
  #stopped = false;

  constructor(idleSeconds: number, clock: Clock, log: Logger, command = 'swayidle') {
    this.#idleSeconds = idleSeconds;
    this.#clock = clock;
    this.#log = log;
    this.#command = command;
  }

  start(): void {
    if (this.#stopped) return;
    const child = spawn(
      this.#command,
      ['timeout', String(this.#idleSeconds), 'echo idle', 'resume', 'echo active'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    this.#child = child;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'idle') this.events.emit('idle', undefined);
      else if (line === 'active') this.events.emit('active', undefined);
    });
    child.once('error', (err) => {
      // Not installed: the screen simply stays lit; said once.
      this.#log.error({ err: err.message }, `${this.#command} could not be started: no screen blanking`);
      this.#stopped = true;
    });
    child.once('exit', (code, signal) => {
      this.#child = undefined;
      if (this.#stopped) return;
      this.#log.warn({ code, signal }, `${this.#command} ended; starting it again`);
      this.#timer = this.#clock.setTimeout(() => this.start(), RESTART_DELAY_MS);
    });
  }

  stop(): void {
    this.#stopped = true;
    this.#clock.clearTimeout(this.#timer);
    this.#child?.kill('SIGTERM');
  }
}
