/**
 * The PC/SC driver's event mapping and recovery logic against a fake nfc-pcsc stack (same surface,
 * driven by hand) and a FakeClock. The real stack is covered by test/pcsc/pcsc-driver.test.ts.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { PcscCardReaderDriver } from '../../../hal/reader/pcsc.ts';
import type { NfcContext, NfcReader } from '../../../hal/reader/pcsc-lib.ts';
import type { CardReaderEvents } from '../../../hal/reader/types.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { HardwareError, ValidationError } from '../../../lib/errors.ts';

const ATR = Buffer.from('3B8F8001804F0CA000000306030001000000006A', 'hex');
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

class FakeReader extends EventEmitter {
  readonly name: string;
  autoProcessing = true;
  closed = false;
  getDataResponse = Buffer.from('04A2B3C49000', 'hex');
  constructor(name: string) {
    super();
    this.name = name;
  }
  async transmit(): Promise<Buffer> {
    return this.getDataResponse;
  }
  close(): void {
    this.closed = true;
  }
}

class FakeContext extends EventEmitter {
  closed = false;
  close(): void {
    this.closed = true;
  }
}

function setup() {
  const clock = new FakeClock();
  const contexts: FakeContext[] = [];
  const daemon = { up: true, probes: 0, listeningNow: true };
  const driver = new PcscCardReaderDriver({
    clock,
    isDaemonUp: async () => {
      daemon.probes++;
      return daemon.up;
    },
    isDaemonListeningNow: () => daemon.listeningNow,
    openContext: () => {
      const context = new FakeContext();
      contexts.push(context);
      return context as unknown as NfcContext;
    },
  });
  const events: [keyof CardReaderEvents, unknown][] = [];
  for (const event of ['card', 'card.removed', 'reader.attached', 'reader.detached', 'error'] as const) {
    driver.on(event, (payload) => events.push([event, payload]));
  }
  const plug = (name: string): FakeReader => {
    const reader = new FakeReader(name);
    contexts.at(-1)!.emit('reader', reader as unknown as NfcReader);
    return reader;
  };
  return { clock, contexts, daemon, driver, events, plug };
}

describe('PcscCardReaderDriver (fake PC/SC stack)', () => {
  it('opens no context when pcscd died between the probe and the open, and retries', async () => {
    const { clock, contexts, daemon, driver, events } = setup();
    daemon.listeningNow = false;
    await driver.start();
    expect(contexts).toHaveLength(0);
    expect(events.map(([event]) => event)).toEqual(['error']);
    daemon.listeningNow = true;
    clock.advance(250);
    await settle();
    expect(contexts).toHaveLength(1);
    await driver.stop();
  });

  it('maps reader and card events, reading the UID itself', async () => {
    const { driver, events, plug } = setup();
    await driver.start();
    const reader = plug('ACS ACR122U 00 00');
    expect(reader.autoProcessing).toBe(false);
    reader.emit('card', { atr: ATR });
    await settle();
    reader.emit('card.off');
    reader.emit('end');
    expect(events).toEqual([
      ['reader.attached', { reader: 'ACS ACR122U 00 00' }],
      [
        'card',
        { uid: '04A2B3C4', atr: ATR.toString('hex').toUpperCase(), reader: 'ACS ACR122U 00 00', at: 0 },
      ],
      ['card.removed', { reader: 'ACS ACR122U 00 00' }],
      ['reader.detached', { reader: 'ACS ACR122U 00 00' }],
    ]);
    expect(driver.attachedReaders()).toEqual([]);
    expect(reader.closed).toBe(false);
    await settle();
    expect(reader.closed).toBe(true);
    await driver.stop();
  });

  it('reports errors nfc-pcsc emits as event names, and garbage UIDs, as error events', async () => {
    const { driver, events, plug } = setup();
    await driver.start();
    const reader = plug('R');
    events.length = 0;
    reader.emit(new Error('SCardConnect error: Card is unpowered.') as unknown as string);
    reader.emit('error', new Error('SCardGetStatusChange error'));
    reader.getDataResponse = Buffer.from('AABBCC9000', 'hex');
    reader.emit('card', { atr: ATR });
    await settle();
    expect(events.map(([e]) => e)).toEqual(['error', 'error', 'error']);
    const errors = events.map(([, p]) => p as CardReaderEvents['error']);
    expect(errors.every((e) => e.reader === 'R')).toBe(true);
    expect(errors[0]!.error).toBeInstanceOf(HardwareError);
    expect(errors[0]!.error.message).toMatch(/Card is unpowered/);
    expect(errors[2]!.error).toBeInstanceOf(ValidationError);
    await driver.stop();
  });

  it('retries with backoff while pcscd is down, reporting the outage once', async () => {
    const { clock, daemon, driver, events, contexts } = setup();
    daemon.up = false;
    await driver.start();
    expect(events).toEqual([['error', { error: expect.any(HardwareError) }]]);
    const probesAt: number[] = [];
    for (let t = 0; t < 20_000; t += 50) {
      const before = daemon.probes;
      clock.advance(50);
      await settle();
      if (daemon.probes > before) probesAt.push(clock.monotonic());
    }
    const gaps = probesAt.map((t, i) => t - (probesAt[i - 1] ?? 0));
    expect(gaps.slice(0, 7)).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
    expect(events).toHaveLength(1);
    expect(contexts).toHaveLength(0);
    daemon.up = true;
    clock.advance(5000);
    await settle();
    expect(contexts).toHaveLength(1);
    await driver.stop();
  });

  it('reopens the context after it dies, detaching readers (and their card) first', async () => {
    const { clock, driver, events, contexts, plug } = setup();
    await driver.start();
    const reader = plug('R');
    reader.emit('card', { atr: ATR });
    await settle();
    events.length = 0;
    contexts[0]!.emit('error', new Error('SCardGetStatusChange error: RPC transport error.'));
    expect(events.map(([e]) => e)).toEqual(['error', 'card.removed', 'reader.detached']);
    expect((events[0]![1] as CardReaderEvents['error']).reader).toBeUndefined();
    await settle();
    expect(contexts[0]!.closed).toBe(true);
    expect(reader.closed).toBe(true);
    clock.advance(249);
    await settle();
    expect(contexts).toHaveLength(1);
    clock.advance(1);
    await settle();
    expect(contexts).toHaveLength(2);
    plug('R');
    expect(events.at(-1)).toEqual(['reader.attached', { reader: 'R' }]);
    // Late events of the dead context are ignored.
    contexts[0]!.emit('error', new Error('Command cancelled'));
    expect(events.at(-1)).toEqual(['reader.attached', { reader: 'R' }]);
    await driver.stop();
  });

  it('stops cleanly: no timers, every native object closed, no events', async () => {
    const { clock, daemon, driver, events, contexts, plug } = setup();
    await driver.start();
    const reader = plug('R');
    events.length = 0;
    await driver.stop();
    expect(contexts[0]!.closed).toBe(true);
    expect(reader.closed).toBe(true);
    expect(events).toEqual([]);
    expect(clock.pendingTimers()).toBe(0);

    daemon.up = false;
    await driver.start();
    await driver.stop();
    expect(clock.pendingTimers()).toBe(0);
  });
});
