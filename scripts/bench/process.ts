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
// The panel as it ships: the launcher (which runs dist/cli.js with the panel's V8 flags, bin/portvakt.js).
const CLI = new URL('../../bin/portvakt.js', import.meta.url).pathname;

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
}

/** RSS (kB) of the panel's child processes, by kind: the werift media process and the GStreamer pipelines. */
function childRssKb(pid: number): { media: number; gstreamer: number } {
  const total = { media: 0, gstreamer: 0 };
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return total;
  }
  for (const child of children) {
    try {
      const cmdline = readFileSync(`/proc/${child}/cmdline`, 'utf8');
      if (cmdline.includes('media-worker')) total.media += rssKb(child);
      else if (cmdline.includes('gst-launch')) total.gstreamer += rssKb(child);
    } catch {
      // exited meanwhile
    }
  }
  return total;
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
  let children = { media: 0, gstreamer: 0 };
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
    children = childRssKb(panel.pid);
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
      media_process_rss_mb: round(children.media / 1024, 1),
      gstreamer_rss_mb: round(children.gstreamer / 1024, 1),
      n: r.n,
      target: 2,
      note: 'the panel process (doors, readers, store, API, sync); its media process (werift) and GStreamer pipelines run apart and are listed beside it',
    },
  ];
}

if (import.meta.main) {
  for (const line of await benchProcess()) console.log(JSON.stringify(line));
}
