/**
 * The simulator's child processes (hub, panel): started with their output piped, logs forwarded with a
 * prefix, stopped by PID. Only warnings and errors of their JSON logs reach the terminal, so the banner
 * stays readable; `--verbose` forwards everything.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Child {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (or the signal name) when the process has exited. */
  readonly exited: Promise<number | string>;
  /** The last lines it printed, for error messages. */
  tail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartChildOptions {
  name: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  verbose: boolean;
}

const WARN = 40;

export function startChild(options: StartChildOptions): Child {
  const child: ChildProcess = spawn(process.execPath, options.args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  const lines: string[] = [];
  const forward = (line: string): void => {
    lines.push(line);
    if (lines.length > 40) lines.shift();
    if (options.verbose || shouldShow(line)) process.stderr.write(`[${options.name}] ${line}\n`);
  };
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', forward);
  }
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (err) => {
      lines.push(String(err));
      resolve('spawn failed');
    });
  });
  return {
    name: options.name,
    pid: child.pid ?? -1,
    exited,
    tail: () => lines.join('\n'),
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** JSON log lines at warn and above; plain lines only when they look like errors. */
function shouldShow(line: string): boolean {
  if (line.startsWith('{')) {
    try {
      const level = (JSON.parse(line) as { level?: unknown }).level;
      return typeof level === 'number' ? level >= WARN : level === 'warn' || level === 'error';
    } catch {
      return true;
    }
  }
  return /error|failed/i.test(line);
}
