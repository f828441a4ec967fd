/**
 * Runs the real panel (`device/cli.ts`) as a child process, the way systemd would, and talks to it over
 * its local API. Stopped by PID; every test that starts one stops it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

const CLI = new URL('../../device/cli.ts', import.meta.url).pathname;
/** The installed `portvakt` command: sets the panel's Node flags, then runs the bundle or the sources. */
export const LAUNCHER = new URL('../../bin/portvakt.js', import.meta.url).pathname;

export interface PanelProcess {
  pid: number;
  port: number;
  base: string;
  output(): string;
  /** SIGTERM and wait; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait. */
  kill(): Promise<void>;
  exited: Promise<number | null>;
}

export function writeConfig(dir: string, config: unknown, name = 'panel.yaml'): string {
  const path = join(dir, name);
  writeFileSync(path, typeof config === 'string' ? config : stringify(config));
  return path;
}

/** Runs the CLI to completion (for config errors and --help). */
export async function runCli(
  args: string[],
  timeoutMs = 15_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

export async function startPanel(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  readyTimeoutMs = 15_000,
  entry = CLI,
): Promise<PanelProcess> {
  const child: ChildProcess = spawn(process.execPath, [entry, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`panel not ready in ${readyTimeoutMs} ms:\n${out}`)),
      readyTimeoutMs,
    );
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /"port":(\d+),"panelId":"[^"]*","msg":"panel ready"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`panel exited with ${code} before ready:\n${out}`));
    });
  });
  const pid = child.pid!;
  return {
    pid,
    port,
    base: `http://127.0.0.1:${port}`,
    output: () => out,
    exited,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
