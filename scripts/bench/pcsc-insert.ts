/**
 * pcsc_insert_to_relay_ratio: virtual card insert → relay energized through the real panel (nfc-pcsc
 * driver, decision, audit commit, door controller), divided by insert → `card` event of bare nfc-pcsc,
 * measured in the same run against the same pcscd + vpcd.
 *
 * pcscd finds a vpcd card by polling every 400 ms, so a raw insert→event time is the poll wait (uniform
 * 0–400 ms, nothing to do with either program) plus the software path. Medians of raw times would need
 * thousands of inserts to separate 1% from noise. Each sample therefore also records when pcscd first
 * talked to the card (its power-on after detecting it): the ratio uses the pooled mean poll wait of all
 * samples, plus each side's own detection→event time. Raw medians are reported beside it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { validateConfig } from '../../device/config/load.ts';
import { Panel } from '../../device/main.ts';
import type { SimGpioDriver } from '../../hal/gpio/sim.ts';
import { FakeClock } from '../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../lib/log/logger.ts';
import { startPcscd } from '../lab/pcscd.ts';
import { VirtualCard } from '../lab/virtual-card.ts';
import { seedBenchCard } from './seed.ts';
import { type BenchLine, round, summarize } from './stats.ts';

const UID = '04A1B2C3';

interface Sample {
  detectWait: number;
  afterDetect: number;
  total: number;
}

type Target = { armed: (onDone: () => void) => void; disarm: () => void };

async function sample(port: number, target: Target): Promise<Sample> {
  let detectedAt = 0;
  let doneAt = 0;
  const done = new Promise<void>((resolve) =>
    target.armed(() => {
      doneAt = performance.now();
      resolve();
    }),
  );
  const card = new VirtualCard({
    uid: UID,
    port,
    onControl: () => {
      if (detectedAt === 0) detectedAt = performance.now();
    },
  });
  const t0 = performance.now();
  await card.insert();
  const timeout = sleep(3000).then(() => {
    throw new Error('no event within 3 s of the insert');
  });
  await Promise.race([done, timeout]);
  target.disarm();
  await card.remove();
  // Let pcscd see the removal (next poll) and desynchronize the next insert from the poll phase.
  await sleep(450 + Math.random() * 400);
  return { detectWait: detectedAt - t0, afterDetect: doneAt - detectedAt, total: doneAt - t0 };
}

export async function benchPcscInsertRatio(options: { samples?: number } = {}): Promise<BenchLine[]> {
  const samples = options.samples ?? 25;
  const pcscd = await startPcscd();
  const dir = mkdtempSync(join(tmpdir(), 'portvakt-bench-pcsc-'));
  const require = createRequire(import.meta.url);
  const { NFC } = require('nfc-pcsc');
  const nfc = new NFC();
  nfc.on('error', () => {});
  let bareListener: (() => void) | undefined;
  nfc.on('reader', (reader: { on: (e: string, l: (...a: unknown[]) => void) => void; name: string }) => {
    reader.on('card', () => bareListener?.());
    reader.on('error', () => {});
  });

  const config = validateConfig({
    panel: { id: 'bench' },
    hardware: { gpio: 'sim', reader: 'pcsc' },
    doors: [{ id: 'door', name: 'Door', relay: { chip: 'bench', line: 1 } }],
    readers: [{ id: 'reader', name: pcscd.readerName.slice(0, 11), doors: ['door'] }],
    access: { repeatTapWindowMs: 0 },
    store: { path: join(dir, 'panel.db') },
    api: { port: 0 },
  });
  const clock = new FakeClock(Date.UTC(2026, 5, 1, 10));
  const panel = new Panel({ config, logger: silentLogger, clock, readerOptions: {} });
  // Bare and panel must not both read the card: the panel starts after the bare samples.
  const bare: Sample[] = [];
  const product: Sample[] = [];
  try {
    await sleep(1500); // the bare client sees the reader
    for (let i = 0; i < samples; i++) {
      bare.push(
        await sample(pcscd.port, {
          armed: (fn) => {
            bareListener = fn;
          },
          disarm: () => {
            bareListener = undefined;
          },
        }),
      );
    }
    nfc.close();
    await panel.start();
    seedBenchCard(panel, 'door', UID);
    const gpio = panel.gpio as SimGpioDriver;
    let relayListener: (() => void) | undefined;
    gpio.on('relay', (r) => {
      if (r.energized) relayListener?.();
    });
    await sleep(1500);
    for (let i = 0; i < samples; i++) {
      product.push(
        await sample(pcscd.port, {
          armed: (fn) => {
            relayListener = fn;
          },
          disarm: () => {
            relayListener = undefined;
            clock.advance(config.doors[0]!.pulseMs + 1);
          },
        }),
      );
    }
  } finally {
    await panel.stop();
    await pcscd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const all = [...bare, ...product];
  const meanWait = all.reduce((s, x) => s + x.detectWait, 0) / all.length;
  const bareAfter = summarize(bare.map((s) => s.afterDetect));
  const productAfter = summarize(product.map((s) => s.afterDetect));
  const ratio = (meanWait + productAfter.p50) / (meanWait + bareAfter.p50);
  return [
    {
      metric: 'pcsc_insert_to_relay_ratio',
      value: round(ratio),
      unit: 'ratio',
      target: 1.05,
      mean_poll_wait_ms: round(meanWait, 1),
      panel_detect_to_relay_p50_ms: round(productAfter.p50),
      bare_detect_to_card_p50_ms: round(bareAfter.p50),
      panel_insert_to_relay_p50_ms: round(summarize(product.map((s) => s.total)).p50, 1),
      bare_insert_to_card_p50_ms: round(summarize(bare.map((s) => s.total)).p50, 1),
      n: samples,
    },
  ];
}

if (import.meta.main) {
  for (const line of await benchPcscInsertRatio()) console.log(JSON.stringify(line));
}
