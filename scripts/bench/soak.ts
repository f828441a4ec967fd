/**
 * rss_growth_mb_under_load: the real panel process (the shipped bundle, simulated GPIO and readers, the
 * demo building) tapped through its local API at 1,000 taps/s — granted, denied and unknown cards in
 * turn, every one decided and audited — for a warm-up minute, then five more; the figure is how much its
 * resident set grew over those five minutes and was not given back: the lowest RSS of the last fifth
 * of the window against the lowest of the first fifth (sampled every 5 s). Lows, because V8 lets garbage
 * pile up between major collections (several MB at this rate) and hands it back at the next one; a leak
 * raises the lows. The config is the simulator's, repeat-tap
 * window included, so most of the demo cards' taps are answered as repeats (decided, not audited);
 * every tenth tap is a card never seen before, decided and audited (100 audit commits a second, each
 * fsync'd) and remembered by the repeat-tap limiter, whose bound it exercises. Its log at info level is read and thrown
 * away, as a journal would take it. `PORTVAKT_SOAK_WARMUP_S` / `PORTVAKT_SOAK_S` shorten it for a try.
 *
 * The panel is started as it ships: `bin/portvakt.js`, which restarts Node with the panel's V8 flags
 * (a capped young generation); the line names the flags the process ran with (`node_flags`, from
 * /proc/PID/cmdline) and splits each minute's low into anonymous memory (V8 heap, malloc) and
 * file-backed pages (node binary, libraries, SQLite's mapped files). `NODE_OPTIONS=--max-semi-space-size=0`
 * runs the panel without the cap, for comparison.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { validateConfig } from '../../device/config/load.ts';
import { DEMO_CARDS, demoBuilding } from '../../device/sim/demo-building.ts';
import { demoConfig } from '../../device/sim/demo-config.ts';
import { openStore } from '../../device/store/store.ts';
import { SystemClock } from '../../lib/clock/clock.ts';
import { silentLogger } from '../../lib/log/logger.ts';
import { shippedPanelEnv } from '../shipped-panel-env.ts';
import { type BenchLine, round } from './stats.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
// The launcher a panel is started with (it runs dist/cli.js when built, the sources otherwise).
const LAUNCHER = join(ROOT, 'bin/portvakt.js');
const CARDS = [DEMO_CARDS.resident, DEMO_CARDS.resident7Byte, DEMO_CARDS.blocked, DEMO_CARDS.unknown];
const READERS = ['entrance-reader', 'courtyard-reader'];

interface RssSample {
  t: number;
  rss: number;
  anon: number;
  file: number;
}

/** Resident set of `pid` in MB: total, anonymous (heap, malloc, stacks) and file-backed. */
function rssOf(pid: number): Omit<RssSample, 't'> {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (field: string) =>
    Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN) / 1024;
  return { rss: mb('VmRSS'), anon: mb('RssAnon'), file: mb('RssFile') };
}

/** The Node and V8 flags the panel process runs with (after the launcher's restart). */
function nodeFlagsOf(pid: number): string[] {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const script = argv.findIndex((arg, i) => i > 0 && !arg.startsWith('-'));
  return argv.slice(1, script < 0 ? undefined : script);
}

export async function benchSoak(
  options: { warmupS?: number; measureS?: number; tapsPerS?: number } = {},
): Promise<BenchLine[]> {
  const warmupS = options.warmupS ?? Number(process.env['PORTVAKT_SOAK_WARMUP_S'] ?? 60);
  const measureS = options.measureS ?? Number(process.env['PORTVAKT_SOAK_S'] ?? 300);
  const tapsPerS = options.tapsPerS ?? 1000;
  const dir = mkdtempSync(join(tmpdir(), 'portvakt-bench-soak-'));
  const input = demoConfig({
    storePath: join(dir, 'panel.db'),
    port: 0,
    installerToken: 'bench-installer-token-00000',
  });
  // No intercom media: not under test here.
  const configInput = { ...input, intercom: { enabled: false } };
  validateConfig(configInput, 'soak config');
  const configPath = join(dir, 'panel.yaml');
  writeFileSync(configPath, stringify(configInput));
  const store = openStore(join(dir, 'panel.db'), { clock: new SystemClock(), logger: silentLogger });
  store.buildingData.replaceBuildingData(demoBuilding());
  store.close();

  const child = spawn(process.execPath, [LAUNCHER, '--config', configPath, '--log-level', 'info'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...shippedPanelEnv() },
  });
  let head = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`panel not ready in 20 s: ${head}`)), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      if (head.length < 100_000) head += d.toString();
      const m = /"port":(\d+),"panelId":"[^"]*","msg":"panel ready"/.exec(head);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.stderr.resume();
    child.once('exit', (code) => reject(new Error(`panel exited ${code}: ${head}`)));
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  let sent = 0;
  let answered = 0;
  let failed = 0;
  let inFlight = 0;
  let running = true;
  const tapOnce = (n: number): void => {
    inFlight++;
    const uid =
      n % 10 === 9 ? `0B${n.toString(16).toUpperCase().padStart(12, '0')}` : CARDS[n % CARDS.length];
    const body = JSON.stringify({ uid });
    const done = (ok: boolean) => {
      inFlight--;
      if (ok) answered++;
      else failed++;
    };
    const req = request(
      {
        host: '127.0.0.1',
        port,
        agent,
        method: 'POST',
        path: `/api/v1/sim/readers/${READERS[n % 2]}/tap`,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.once('end', () => done(res.statusCode === 200));
        res.once('error', () => done(false));
      },
    );
    req.once('error', () => done(false));
    req.end(body);
  };
  // Paced: every 10 ms, as many taps as keep the rate (at most 64 in flight: the panel sets the pace if slower).
  const t0 = performance.now();
  const pacer = (async () => {
    while (running) {
      const due = Math.floor(((performance.now() - t0) / 1000) * tapsPerS);
      while (sent < due && inFlight < 64) tapOnce(sent++);
      await sleep(10);
    }
  })();
  const samples: RssSample[] = [];
  const sampleEveryS = 5;
  const totalS = warmupS + measureS;
  const nodeFlags = nodeFlagsOf(child.pid!);
  for (let t = sampleEveryS; t <= totalS; t += sampleEveryS) {
    await sleep(t0 + t * 1000 - performance.now());
    samples.push({ t, ...rssOf(child.pid!) });
  }
  running = false;
  await pacer;
  // Let the taps in flight be answered, so `failed` counts refusals and errors, not the stop.
  for (let waited = 0; inFlight > 0 && waited < 5000; waited += 10) await sleep(10);
  const elapsedS = (performance.now() - t0) / 1000;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  agent.destroy();
  rmSync(dir, { recursive: true, force: true });

  const measured = samples.filter((s) => s.t >= warmupS);
  const fifth = Math.max(1, Math.floor(measured.length / 5));
  const start = Math.min(...measured.slice(0, fifth).map((s) => s.rss));
  const end = Math.min(...measured.slice(-fifth).map((s) => s.rss));
  return [
    {
      metric: 'rss_growth_mb_under_load',
      value: round(end - start, 1),
      unit: 'MB',
      rss_start_mb: round(start, 1),
      rss_end_mb: round(end, 1),
      taps_per_s: round(answered / elapsedS, 0),
      failed,
      warmup_s: warmupS,
      measure_s: measureS,
      target: 5,
      note: `panel process RSS growth over ${measureS} s of ${tapsPerS} taps/s through the local API, after ${warmupS} s of warm-up`,
      node_flags: nodeFlags.join(' '),
      ...(process.env['NODE_OPTIONS'] ? { node_options: process.env['NODE_OPTIONS'] } : {}),
      rss_low_mb_per_minute: lowsPerMinute(samples, 'rss'),
      anon_low_mb_per_minute: lowsPerMinute(samples, 'anon'),
      file_low_mb_per_minute: lowsPerMinute(samples, 'file'),
      rss_high_mb_per_minute: highsPerMinute(samples),
    },
  ];
}

if (import.meta.main) {
  for (const line of await benchSoak()) console.log(JSON.stringify(line));
}

/** The lowest `field` sampled in each minute, warm-up included. */
function lowsPerMinute(samples: readonly RssSample[], field: 'rss' | 'anon' | 'file'): number[] {
  const lows: number[] = [];
  for (const s of samples) {
    const minute = Math.floor((s.t - 1) / 60);
    lows[minute] = Math.min(lows[minute] ?? Number.POSITIVE_INFINITY, s[field]);
  }
  return lows.map((x) => round(x, 1));
}

/** The highest RSS sampled in each minute: how far garbage piles up between major collections. */
function highsPerMinute(samples: readonly RssSample[]): number[] {
  const highs: number[] = [];
  for (const s of samples) {
    const minute = Math.floor((s.t - 1) / 60);
    highs[minute] = Math.max(highs[minute] ?? 0, s.rss);
  }
  return highs.map((x) => round(x, 1));
}
