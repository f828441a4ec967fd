/**
 * The OSDP driver's timing logic on a FakeClock: the bus is an in-memory link that hands each packet to
 * simulated readers and their replies straight back, so timeouts, the offline threshold and backoff are
 * driven by advancing the clock, never by waiting.
 */

import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OsdpCardReaderDriver } from '../../../hal/reader/osdp/driver.ts';
import type { OsdpReaderOptions } from '../../../hal/reader/osdp/options.ts';
import type { OpenSerialLink, SerialLink } from '../../../hal/reader/osdp/serial-link.ts';
import type { CardReaderEvents } from '../../../hal/reader/types.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { createRootLogger, type Logger } from '../../../lib/log/logger.ts';
import { decodeFrame } from '../../../lib/osdp/frame.ts';
import { SimulatedPd } from '../../../scripts/lab/osdp-pd.ts';
import { KEY_A, KEY_B } from './osdp-fixture.ts';

const GAP = 10;

class MemoryBus {
  /** When each packet was written (clock time) and to which address. */
  readonly sent: { at: number; address: number }[] = [];
  failOpens = 0;
  /** Delivers the second half of every reply this much later (a slow line), 0 = at once. */
  splitReplyMs = 0;
  opens = 0;
  #close: ((err?: Error) => void) | undefined;
  readonly clock: FakeClock;
  readonly pds: SimulatedPd[];
  constructor(clock: FakeClock, pds: SimulatedPd[]) {
    this.clock = clock;
    this.pds = pds;
  }

  open: OpenSerialLink = async () => {
    this.opens++;
    if (this.failOpens > 0) {
      this.failOpens--;
      throw new Error('ENOENT: no such device');
    }
    let listener: (chunk: Buffer) => void = () => {};
    const link: SerialLink = {
      write: (bytes) => {
        const frame = decodeFrame(bytes);
        this.sent.push({ at: this.clock.monotonic(), address: frame.address });
        for (const pd of this.pds) {
          const reply = pd.handle(frame);
          if (!reply) continue;
          if (this.splitReplyMs === 0) queueMicrotask(() => listener(reply));
          else {
            const half = Math.floor(reply.length / 2);
            queueMicrotask(() => listener(reply.subarray(0, half)));
            this.clock.setTimeout(() => listener(reply.subarray(half)), this.splitReplyMs);
          }
        }
      },
      onData: (l) => {
        listener = l;
      },
      onClose: (l) => {
        this.#close = l;
      },
      close: async () => {},
    };
    return link;
  };

  unplug(): void {
    this.#close?.(new Error('device gone'));
  }
}

function setup(pds: SimulatedPd[], readers: OsdpReaderOptions[], logger?: Logger) {
  const clock = new FakeClock();
  const bus = new MemoryBus(clock, pds);
  const driver = new OsdpCardReaderDriver({
    clock,
    ...(logger ? { logger } : {}),
    openLink: bus.open,
    pollGapMs: GAP,
    retryInitialMs: 250,
    retryMaxMs: 2000,
    buses: [{ path: '/dev/fake', readers }],
  });
  const events: [keyof CardReaderEvents, unknown][] = [];
  for (const e of ['reader.attached', 'reader.detached', 'reader.security', 'error', 'card'] as const)
    driver.on(e, (p) => events.push([e, p]));
  /** Advances the fake clock in small steps, letting the poll loop's immediates and microtasks run. */
  const run = async (ms: number): Promise<void> => {
    for (let t = 0; t < ms; t += 5) {
      clock.advance(Math.min(5, ms - t));
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
    }
  };
  const count = (e: keyof CardReaderEvents) => events.filter(([k]) => k === e).length;
  return { clock, bus, driver, events, run, count };
}

describe('OSDP driver timing (fake clock)', () => {
  it('a silent reader is detached after the third missed reply, not before', async () => {
    const pd = new SimulatedPd({ address: 1 });
    const { driver, run, count } = setup([pd], [{ name: 'r1', address: 1 }]);
    await driver.start();
    await run(50);
    expect(driver.attachedReaders()).toEqual(['r1']);
    pd.silent = true;
    await run(GAP + 200 * 2 + GAP + 5);
    expect(count('reader.detached')).toBe(0);
    await run(200 + GAP);
    expect(count('reader.detached')).toBe(1);
    await driver.stop();
  });

  it('reconnect attempts back off, doubling up to the maximum, and recover at once when answered', async () => {
    const pd = new SimulatedPd({ address: 1 });
    pd.silent = true;
    const { driver, bus, run, count } = setup([pd], [{ name: 'r1', address: 1 }]);
    await driver.start();
    await run(6000);
    const starts = bus.sent.map((s) => s.at);
    const gaps = starts.slice(1).map((at, i) => at - starts[i]! - 200);
    // Each gap = backoff after the 200 ms timeout: 250, 500, 1000, 2000 (the cap), 2000…
    expect(gaps.slice(0, 4)).toEqual([250, 500, 1000, 2000]);
    pd.silent = false;
    await run(2500);
    expect(count('reader.attached')).toBe(1);
    await driver.stop();
  });

  it('a wrong key raises one alarm however often the reader is retried, never attaching', async () => {
    const pd = new SimulatedPd({ address: 1, scbk: KEY_B });
    const { driver, run, count } = setup([pd], [{ name: 'r1', address: 1, scbk: KEY_A }]);
    await driver.start();
    await run(5000);
    expect(pd.challenges).toBeGreaterThanOrEqual(3);
    expect(count('reader.security')).toBe(1);
    expect(count('reader.attached')).toBe(0);
    await driver.stop();
  });

  it('a bus that cannot be opened is reported once and retried; an unplugged one detaches and reopens', async () => {
    const pd = new SimulatedPd({ address: 1 });
    const { driver, bus, run, count } = setup([pd], [{ name: 'r1', address: 1 }]);
    bus.failOpens = 3;
    await driver.start();
    expect(count('error')).toBe(1);
    await run(250 + 500 + 1000 + 50);
    expect(bus.opens).toBe(4);
    expect(count('error')).toBe(1);
    expect(driver.attachedReaders()).toEqual(['r1']);
    bus.unplug();
    expect(count('reader.detached')).toBe(1);
    await run(300);
    expect(bus.opens).toBe(5);
    expect(count('reader.attached')).toBe(2);
    await driver.stop();
  });

  it('a flood of malformed reports becomes a few error events, then one a minute', async () => {
    const pd = new SimulatedPd({ address: 1 });
    const { driver, run, count } = setup([pd], [{ name: 'r1', address: 1 }]);
    await driver.start();
    await run(50);
    // 8 bits announced, 32 carried: well framed (the CRC is right), inconsistent inside.
    for (let i = 0; i < 30; i++) pd.present('04A2B3C4', 8);
    await run(30 * (GAP + 5));
    expect(count('error')).toBe(5);
    expect(count('card')).toBe(0);
    await run(60_000);
    pd.present('04A2B3C4', 8);
    pd.present('04A2B3C4', 8);
    await run(100);
    expect(count('error')).toBe(6);
    await driver.stop();
  });

  it('a reply that has begun within the timeout may take as long as a packet takes at the baud rate', async () => {
    const pd = new SimulatedPd({ address: 1 });
    const { driver, bus, run, count } = setup([pd], [{ name: 'r1', address: 1 }]);
    bus.splitReplyMs = 250; // at 9600 baud a 1024-byte packet takes ~1.07 s
    await driver.start();
    await run(2000);
    expect(count('reader.attached')).toBe(1);
    pd.present('04A2B3C4');
    await run(2000);
    expect(count('card')).toBe(1);
    expect(count('reader.detached')).toBe(0);
    await driver.stop();
  });

  it('polls several readers round-robin', async () => {
    const pds = [1, 2, 3].map((address) => new SimulatedPd({ address }));
    const { driver, bus, run } = setup(
      pds,
      pds.map((p) => ({ name: `r${p.address}`, address: p.address })),
    );
    await driver.start();
    await run(300);
    const order = bus.sent.slice(-9).map((s) => s.address);
    for (let k = 1; k < order.length; k++) expect(order[k]).toBe((order[k - 1]! % 3) + 1);
    await driver.stop();
  });

  it('logs link changes and alarms, never a key, a card or a PIN', async () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (c: Buffer) => {
      text += c.toString();
    });
    const wrong = new SimulatedPd({ address: 1, scbk: KEY_B });
    const fresh = new SimulatedPd({ address: 2, installMode: true });
    const { driver, run } = setup(
      [wrong, fresh],
      [
        { name: 'r1', address: 1, scbk: KEY_A },
        { name: 'r2', address: 2, scbk: KEY_A, installMode: true },
      ],
      createRootLogger({ level: 'debug', destination: stream }),
    );
    await driver.start();
    await run(300);
    fresh.present('04A2B3C4');
    fresh.press('4711');
    await run(300);
    await driver.stop();
    expect(text).toContain('wrong_key');
    expect(text).toContain('reader.attached');
    for (const secret of [KEY_A, KEY_B]) {
      expect(text.toLowerCase()).not.toContain(secret.toString('hex'));
      expect(text).not.toContain(secret.toString('base64'));
    }
    expect(text).not.toContain('04A2B3C4');
    expect(text).not.toContain('4711');
  });
});
