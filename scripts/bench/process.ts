/**
 * Whole-process figures: start → ready, idle RSS against a bare Node process measured in the same
 * run (the ratio cancels out machine and Node-version differences), and the whole panel's idle memory
 * (panel, with werift in a thread or a media process, and GStreamer pipelines). The panel runs as it ships: through its launcher, with
 * deploy/systemd/panel.env in its environment.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { shippedPanelEnv } from '../shipped-panel-env.ts';
import { distinctResidentKb, type PanelMemory, panelMemory, panelTree, totalKb } from './process-memory.ts';
import { type BenchLine, round, summarize } from './stats.ts';

// The shipped artifact (npm run build): what a panel runs.
// The panel as it ships: the launcher (which runs dist/cli.js with the panel's V8 flags, bin/portvakt.js).
const CLI = new URL('../../bin/portvakt.js', import.meta.url).pathname;

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
}

interface Started {
  pid: number;
  readyMs: number;
  stop(): Promise<void>;
}

async function spawnUntil(args: string[], ready: RegExp, env: Record<string, string> = {}): Promise<Started> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
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

const BARE_NODE = ['-e', 'console.log("ready"); setInterval(() => {}, 1000)'];
const startPanel = (dir: string, env: Record<string, string>) =>
  spawnUntil(
    [CLI, '--sim', '--port', '0', '--data-dir', dir, '--log-level', 'info'],
    /"msg":"panel ready"/,
    env,
  );
const mb = (kb: number) => round(kb / 1024, 1);
/** intercom.mediaIsolation as run: werift in a process of its own, or a thread of the panel's. */
const mediaIsolation = (m: PanelMemory) => (m.media.rssKb > 0 ? 'process' : 'thread');
const median = (values: number[]) => summarize(values).p50;

export interface ProcessBenchOptions {
  /** Start → ready runs (each also gives one idle RSS ratio, `idleMs` after ready). */
  runs?: number;
  idleMs?: number;
  /** The whole panel's idle memory: sampled once a second, `samples` times, from `settleMs` after ready. */
  settleMs?: number;
  samples?: number;
}

export async function benchProcess(options: ProcessBenchOptions = {}): Promise<BenchLine[]> {
  const runs = options.runs ?? 5;
  const idleMs = options.idleMs ?? 3000;
  const env = shippedPanelEnv();
  const starts: number[] = [];
  const ratios: number[] = [];
  let last: PanelMemory | undefined;
  let bareRss = 0;
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'portvakt-bench-proc-'));
    const bare = await spawnUntil(BARE_NODE, /ready/);
    const panel = await startPanel(dir, env);
    starts.push(panel.readyMs);
    await sleep(idleMs);
    last = panelMemory(panel.pid);
    bareRss = rssKb(bare.pid);
    ratios.push(last.panel.rssKb / bareRss);
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
      panel_rss_mb: mb(last?.panel.rssKb ?? Number.NaN),
      bare_rss_mb: mb(bareRss),
      media_process_rss_mb: mb(last?.media.rssKb ?? Number.NaN),
      gstreamer_rss_mb: mb(last?.gstreamer.rssKb ?? Number.NaN),
      media_isolation: last ? mediaIsolation(last) : 'unknown',
      n: r.n,
      target: 2,
      note: 'the panel process (doors, readers, store, API, sync; with media_isolation thread also werift); a media process and the GStreamer pipelines run apart and are listed beside it',
    },
    await benchIdleTotal(env, options.settleMs ?? 20_000, options.samples ?? 10),
  ];
}

/**
 * panel_total_idle_rss_mb: the whole panel at idle (panel + media process + GStreamer pipelines, RSS
 * summed: file pages shared between the two Node processes count twice, as `ps` and `top` show them),
 * the median of samples a second apart once start-up's garbage has been collected. A bare Node process
 * sampled alongside gives the same-run reference. `distinct_resident_mb` counts the same pages once
 * (physical frames from pagemap): the RAM the panel really takes on a board.
 */
async function benchIdleTotal(
  env: Record<string, string>,
  settleMs: number,
  samples: number,
): Promise<BenchLine> {
  const dir = mkdtempSync(join(tmpdir(), 'portvakt-bench-mem-'));
  const bare = await spawnUntil(BARE_NODE, /ready/);
  const panel = await startPanel(dir, env);
  const taken: PanelMemory[] = [];
  const bareKb: number[] = [];
  const distinctKb: number[] = [];
  try {
    await sleep(settleMs);
    for (let i = 0; i < samples; i++) {
      if (i > 0) await sleep(1000);
      taken.push(panelMemory(panel.pid));
      bareKb.push(rssKb(bare.pid));
      distinctKb.push(distinctResidentKb(panelTree(panel.pid)));
    }
  } finally {
    await Promise.all([panel.stop(), bare.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
  const totals = summarize(taken.map(totalKb));
  const part = (pick: (m: PanelMemory) => number) => mb(median(taken.map(pick)));
  const flags = taken.at(-1);
  return {
    metric: 'panel_total_idle_rss_mb',
    value: mb(totals.p50),
    unit: 'MB',
    target: 160,
    max_mb: mb(totals.max),
    panel_rss_mb: part((m) => m.panel.rssKb),
    media_rss_mb: part((m) => m.media.rssKb),
    gstreamer_rss_mb: part((m) => m.gstreamer.rssKb),
    distinct_resident_mb: mb(median(distinctKb)),
    panel_anon_mb: part((m) => m.panel.anonKb),
    media_anon_mb: part((m) => m.media.anonKb),
    gstreamer_anon_mb: part((m) => m.gstreamer.anonKb),
    media_isolation: flags ? mediaIsolation(flags) : 'unknown',
    ratio_vs_bare_node: round(totals.p50 / median(bareKb), 2),
    bare_node_rss_mb: mb(median(bareKb)),
    n: totals.n,
    settle_s: settleMs / 1000,
    panel_node_flags: flags?.panelFlags.join(' ') || 'none',
    media_node_flags: flags?.mediaFlags.join(' ') || 'none',
    env: Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
    note: 'panel (werift in its media thread) + GStreamer pipelines, RSS summed, idle in `portvakt --sim` with deploy/systemd/panel.env',
  };
}

if (import.meta.main) {
  for (const line of await benchProcess()) console.log(JSON.stringify(line));
}
