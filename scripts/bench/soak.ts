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
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { type BenchLine, round } from './stats.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const CLI = existsSync(join(ROOT, 'dist/cli.js')) ? join(ROOT, 'dist/cli.js') : join(ROOT, 'device/cli.ts');
const CARDS = [DEMO_CARDS.resident, DEMO_CARDS.resident7Byte, DEMO_CARDS.blocked, DEMO_CARDS.unknown];
const READERS = ['entrance-reader', 'courtyard-reader'];

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
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

  const child = spawn(process.execPath, [CLI, '--config', configPath, '--log-level', 'info'], {
    stdio: ['ignore', 'pipe', 'pipe'],
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
  const samples: { t: number; rss: number }[] = [];
  const sampleEveryS = 5;
  const totalS = warmupS + measureS;
  for (let t = sampleEveryS; t <= totalS; t += sampleEveryS) {
    await sleep(t0 + t * 1000 - performance.now());
    samples.push({ t, rss: rssMb(child.pid!) });
  }
  running = false;
  await pacer;
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
      rss_low_mb_per_minute: lowsPerMinute(samples).map((x) => round(x, 1)),
    },
  ];
}

if (import.meta.main) {
  for (const line of await benchSoak()) console.log(JSON.stringify(line));
}

/** The lowest RSS sampled in each minute, warm-up included. */
function lowsPerMinute(samples: readonly { t: number; rss: number }[]): number[] {
  const lows: number[] = [];
  for (const s of samples) {
    const minute = Math.floor((s.t - 1) / 60);
    lows[minute] = Math.min(lows[minute] ?? Number.POSITIVE_INFINITY, s.rss);
  }
  return lows;
}
