/**
 * tap_to_relay_p99_ms: the software path from the reader driver's `card` event to `relay.setEnergized`,
 * through the real panel (decision, audit row committed with fsync, door controller). A FakeClock
 * drives pulse timing, so each tap finds the door locked again without waiting 5 s of wall time.
 * The rig (panel + FakeClock + tap loop) is shared with the 8-peer variant, tap-8-peers.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextLoopTurn } from 'node:timers/promises';
import { validateConfig } from '../../device/config/load.ts';
import type { PanelConfig, PanelConfigInput } from '../../device/config/schema.ts';
import { Panel } from '../../device/main.ts';
import { DEMO_CARDS, demoBuilding } from '../../device/sim/demo-building.ts';
import { demoConfig } from '../../device/sim/demo-config.ts';
import type { BuildingSnapshotInput } from '../../device/store/snapshot.ts';
import type { SimGpioDriver } from '../../hal/gpio/sim.ts';
import type { SimCardReaderDriver } from '../../hal/reader/sim.ts';
import { FakeClock } from '../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../lib/log/logger.ts';
import { type BenchLine, round, summarize } from './stats.ts';

export interface TapRig {
  panel: Panel;
  config: PanelConfig;
  clock: FakeClock;
  stop(): Promise<void>;
}

/** The demo panel on a FakeClock with the demo building; `edit` may change the config before it starts. */
export async function startTapRig(
  options: { edit?: (config: PanelConfigInput) => PanelConfigInput; building?: BuildingSnapshotInput } = {},
): Promise<TapRig> {
  const dir = mkdtempSync(join(tmpdir(), 'portvakt-bench-tap-'));
  const input = demoConfig({
    storePath: join(dir, 'panel.db'),
    port: 0,
    installerToken: 'bench-installer-token-00000',
  });
  const config = validateConfig(options.edit ? options.edit(input) : input);
  config.access.repeatTapWindowMs = 0;
  const clock = new FakeClock(Date.UTC(2026, 5, 1, 10));
  const panel = new Panel({ config, logger: silentLogger, clock });
  try {
    await panel.start();
    panel.store!.buildingData.replaceBuildingData(options.building ?? demoBuilding());
  } catch (err) {
    await panel.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    panel,
    config,
    clock,
    stop: async () => {
      await panel.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TapSamples {
  /** ms from the tap (queued, with `viaEventLoop`) to the relay energized. */
  latencies: number[];
  /** Of which: ms the queued tap waited for the event loop (0 without `viaEventLoop`). */
  waits: number[];
}

/**
 * Taps the resident's card at the main entrance `taps + warmup` times and returns the last `taps`.
 * `viaEventLoop`: each tap waits a few ms of real time and is then delivered from the event loop
 * (setImmediate), timed from when it was queued — so work queued on the main thread (I/O callbacks,
 * worker messages) delays it as it would delay a real reader's event. Otherwise taps run back to back,
 * synchronously, and only the panel's own code path is timed.
 */
export async function measureTaps(
  rig: TapRig,
  options: { taps: number; warmup?: number; viaEventLoop?: boolean },
): Promise<TapSamples> {
  const { panel, config, clock } = rig;
  const gpio = panel.gpio as SimGpioDriver;
  const readers = panel.readers as SimCardReaderDriver;
  const readerName = config.readers[0]!.name;
  const warmup = options.warmup ?? 200;
  let energizedAt = 0;
  const off = gpio.on('relay', (r) => {
    if (r.name === 'main-entrance.relay' && r.energized) energizedAt = performance.now();
  });
  try {
    const samples: TapSamples = { latencies: [], waits: [] };
    for (let i = 0; i < options.taps + warmup; i++) {
      energizedAt = 0;
      if (options.viaEventLoop) await new Promise((r) => setTimeout(r, 3 + (i % 5)));
      const t0 = performance.now();
      if (options.viaEventLoop) await nextLoopTurn();
      const t1 = performance.now();
      readers.tap(readerName, DEMO_CARDS.resident);
      if (energizedAt === 0) throw new Error('relay was not energized by a granted tap');
      if (i >= warmup) {
        samples.latencies.push(energizedAt - t0);
        samples.waits.push(t1 - t0);
      }
      clock.advance(config.doors[0]!.pulseMs + 1);
    }
    return samples;
  } finally {
    off();
  }
}

export function tapLine(metric: string, samples: readonly number[], note: string): BenchLine {
  const s = summarize(samples);
  return {
    metric,
    value: round(s.p99),
    unit: 'ms',
    p50: round(s.p50),
    max: round(s.max),
    n: s.n,
    target: 5,
    note,
  };
}

export async function benchTapToRelay(
  options: { taps?: number; metric?: string } = {},
): Promise<BenchLine[]> {
  const rig = await startTapRig();
  try {
    const { latencies } = await measureTaps(rig, { taps: options.taps ?? 2000 });
    return [
      tapLine(
        options.metric ?? 'tap_to_relay_p99_ms',
        latencies,
        'sim reader card event -> relay energized; includes the fsync of the audit row',
      ),
    ];
  } finally {
    await rig.stop();
  }
}

if (import.meta.main) {
  for (const line of await benchTapToRelay()) console.log(JSON.stringify(line));
}
