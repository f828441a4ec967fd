/**
 * tap_to_relay_p99_ms: the software path from the reader driver's `card` event to `relay.setEnergized`,
 * through the real panel (decision, audit row committed with fsync, door controller). A FakeClock
 * drives pulse timing, so each tap finds the door locked again without waiting 5 s of wall time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../device/config/load.ts';
import { Panel } from '../../device/main.ts';
import { DEMO_CARDS, demoBuilding } from '../../device/sim/demo-building.ts';
import { demoConfig } from '../../device/sim/demo-config.ts';
import { FakeClock } from '../../hal/clock/fake-clock.ts';
import type { SimGpioDriver } from '../../hal/gpio/sim.ts';
import { silentLogger } from '../../hal/logger.ts';
import type { SimCardReaderDriver } from '../../hal/reader/sim.ts';
import { type BenchLine, round, summarize } from './stats.ts';

export async function benchTapToRelay(
  options: { taps?: number; metric?: string } = {},
): Promise<BenchLine[]> {
  const taps = options.taps ?? 2000;
  const dir = mkdtempSync(join(tmpdir(), 'portvakt-bench-tap-'));
  const config = validateConfig(
    demoConfig({ storePath: join(dir, 'panel.db'), port: 0, installerToken: 'bench-installer-token-00000' }),
  );
  config.access.repeatTapWindowMs = 0;
  const clock = new FakeClock(Date.UTC(2026, 5, 1, 10));
  const panel = new Panel({ config, logger: silentLogger, clock });
  await panel.start();
  try {
    panel.store!.buildingData.replaceBuildingData(demoBuilding());
    const gpio = panel.gpio as SimGpioDriver;
    const readers = panel.readers as SimCardReaderDriver;
    const readerName = config.readers[0]!.name;
    let energizedAt = 0;
    gpio.on('relay', (r) => {
      if (r.name === 'main-entrance.relay' && r.energized) energizedAt = performance.now();
    });
    const samples: number[] = [];
    for (let i = 0; i < taps + 200; i++) {
      energizedAt = 0;
      const t0 = performance.now();
      readers.tap(readerName, DEMO_CARDS.resident);
      if (energizedAt === 0) throw new Error('relay was not energized by a granted tap');
      if (i >= 200) samples.push(energizedAt - t0);
      clock.advance(config.doors[0]!.pulseMs + 1);
    }
    const s = summarize(samples);
    return [
      {
        metric: options.metric ?? 'tap_to_relay_p99_ms',
        value: round(s.p99),
        unit: 'ms',
        p50: round(s.p50),
        max: round(s.max),
        n: s.n,
        target: 5,
        note: 'sim reader card event -> relay energized; includes the fsync of the audit row',
      },
    ];
  } finally {
    await panel.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  for (const line of await benchTapToRelay()) console.log(JSON.stringify(line));
}
