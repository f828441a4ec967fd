/**
 * Debian's real Prometheus for tests: started on a free loopback port with its own storage dir and the
 * scrape config the caller writes, queried over its HTTP API, stopped by PID. Also `promtool`, which
 * lints scraped text (`check metrics`) and scrape configs (`check config`).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { until } from './until.ts';

export const PROMETHEUS = '/usr/bin/prometheus';
export const PROMTOOL = '/usr/bin/promtool';

export interface PrometheusHandle {
  pid: number;
  base: string;
  /** An instant query's result vector (`/api/v1/query`). */
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  output(): string;
  stop(): Promise<void>;
}

/** Starts Prometheus with `config` (YAML text) in `dir`; resolves once it answers ready. */
export async function startPrometheus(dir: string, config: string): Promise<PrometheusHandle> {
  const port = await freePort();
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, config);
  mkdirSync(join(dir, 'data'), { recursive: true });
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  try {
    await until(
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited:\n${out}`);
        return (await fetch(`${base}/-/ready`).catch(() => undefined))?.ok;
      },
      'prometheus to be ready',
      20_000,
      100,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    pid: child.pid!,
    base,
    output: () => out,
    stop,
    query: async (expr) => {
      const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as { status: string; data?: { result: [] }; error?: string };
      if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error}`);
      return body.data?.result ?? [];
    },
  };
}

/** `promtool ARGS` with `input` on stdin: exit status and everything it printed. */
export function promtool(args: string[], input?: string): { status: number | null; output: string } {
  const r = spawnSync(PROMTOOL, args, { input, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
