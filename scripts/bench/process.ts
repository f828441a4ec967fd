/**
 * Whole-process figures: start → ready, and idle RSS against a bare Node process measured in the same
 * run (the ratio cancels out machine and Node-version differences).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BenchLine, round, summarize } from './stats.ts';

// The shipped artifact (npm run build): what a panel runs.
const CLI = new URL('../../dist/cli.js', import.meta.url).pathname;

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
}

interface Started {
  pid: number;
  readyMs: number;
  stop(): Promise<void>;
}

async function spawnUntil(args: string[], ready: RegExp): Promise<Started> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const readyMs = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in 20 s: ${out}`)), 20_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve(performance.now() - t0);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  return {
    pid: child.pid!,
    readyMs,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function benchProcess(options: { runs?: number; idleMs?: number } = {}): Promise<BenchLine[]> {
  const runs = options.runs ?? 5;
  const idleMs = options.idleMs ?? 3000;
  const starts: number[] = [];
  const ratios: number[] = [];
  let panelRss = 0;
  let bareRss = 0;
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'portvakt-bench-proc-'));
    const bare = await spawnUntil(['-e', 'console.log("ready"); setInterval(() => {}, 1000)'], /ready/);
    const panel = await spawnUntil(
      [CLI, '--sim', '--port', '0', '--data-dir', dir, '--log-level', 'info'],
      /"msg":"panel ready"/,
    );
    starts.push(panel.readyMs);
    await sleep(idleMs);
    panelRss = rssKb(panel.pid);
    bareRss = rssKb(bare.pid);
    ratios.push(panelRss / bareRss);
    await Promise.all([panel.stop(), bare.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
  const s = summarize(starts);
  const r = summarize(ratios);
  return [
    {
      metric: 'start_to_ready_ms',
      value: round(s.p50, 1),
      unit: 'ms',
      max: round(s.max, 1),
      n: s.n,
      target: 1000,
      note: 'spawn of `portvakt --sim` -> doors locked, readers listening, API up (median)',
    },
    {
      metric: 'idle_rss_ratio_vs_bare_node',
      value: round(r.p50),
      unit: 'ratio',
      panel_rss_mb: round(panelRss / 1024, 1),
      bare_rss_mb: round(bareRss / 1024, 1),
      n: r.n,
      target: 2,
    },
  ];
}

if (import.meta.main) {
  for (const line of await benchProcess()) console.log(JSON.stringify(line));
}
