import { describe, expect, it } from 'vitest';
import { createReaderDriver, readerDrivers } from '../../../hal/reader/drivers.ts';
import { OsdpCardReaderDriver } from '../../../hal/reader/osdp/driver.ts';
import { PcscCardReaderDriver } from '../../../hal/reader/pcsc.ts';
import { SIM_DEFAULT_ATR, SimCardReaderDriver } from '../../../hal/reader/sim.ts';
import type { CardReaderDriver, CardReaderEvents } from '../../../hal/reader/types.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { ConfigError, HardwareError, NotFoundError, ValidationError } from '../../../lib/errors.ts';
import { silentLogger } from '../../../lib/log/logger.ts';

type Recorded = { [K in keyof CardReaderEvents]: [K, CardReaderEvents[K]] }[keyof CardReaderEvents];

function record(driver: CardReaderDriver): Recorded[] {
  const seen: Recorded[] = [];
  for (const event of ['card', 'card.removed', 'reader.attached', 'reader.detached', 'error'] as const) {
    driver.on(event, (payload) => seen.push([event, payload] as Recorded));
  }
  return seen;
}

async function started(readers = ['front', 'back']) {
  const clock = new FakeClock();
  const driver = new SimCardReaderDriver({ readers, clock });
  const events = record(driver);
  await driver.start();
  return { clock, driver, events };
}

describe('SimCardReaderDriver', () => {
  it('attaches its readers on start', async () => {
    const { driver, events } = await started();
    expect(driver.kind).toBe('sim');
    expect(events).toEqual([
      ['reader.attached', { reader: 'front' }],
      ['reader.attached', { reader: 'back' }],
    ]);
    expect(driver.attachedReaders()).toEqual(['front', 'back']);
  });

  it('a tap emits card then card.removed with the normalized UID, default ATR and clock time', async () => {
    const { clock, driver, events } = await started();
    events.length = 0;
    clock.advance(1234);
    driver.tap('front', '04:a2:b3:c4');
    expect(events).toEqual([
      ['card', { uid: '04A2B3C4', atr: SIM_DEFAULT_ATR, reader: 'front', at: 1234 }],
      ['card.removed', { reader: 'front' }],
    ]);
  });

  it('passes a given ATR through the same validation', async () => {
    const { driver, events } = await started();
    events.length = 0;
    driver.tap('back', '04A2B3C4D5E6F7', '3b 81 80 01 80 80');
    expect(events[0]).toEqual(['card', expect.objectContaining({ atr: '3B8180018080', reader: 'back' })]);
    expect(() => driver.tap('back', '04A2B3C4D5E6F7', '6A81')).toThrow(ValidationError);
  });

  it('rejects bad UIDs with the same errors as real card data, emitting nothing', async () => {
    const { driver, events } = await started();
    events.length = 0;
    expect(() => driver.tap('front', '04A2B3')).toThrow(/wrong length: 3 bytes/);
    expect(() => driver.tap('front', 'zz')).toThrow(ValidationError);
    expect(() => driver.tap('front', '')).toThrow(/empty/);
    expect(events).toEqual([]);
  });

  it('tells an unknown reader from a detached one', async () => {
    const { driver, events } = await started();
    expect(() => driver.tap('side', '04A2B3C4')).toThrow(NotFoundError);
    expect(() => driver.tap('side', '04A2B3C4')).toThrow(/known: "front", "back"/);
    events.length = 0;
    driver.detach('front');
    driver.detach('front');
    expect(events).toEqual([['reader.detached', { reader: 'front' }]]);
    expect(driver.attachedReaders()).toEqual(['back']);
    expect(() => driver.tap('front', '04A2B3C4')).toThrow(HardwareError);
    expect(() => driver.detach('side')).toThrow(NotFoundError);
  });

  it('attach plugs readers back in or adds new ones', async () => {
    const { driver, events } = await started(['front']);
    driver.detach('front');
    events.length = 0;
    driver.attach('front');
    driver.attach('front');
    driver.attach('side');
    expect(events).toEqual([
      ['reader.attached', { reader: 'front' }],
      ['reader.attached', { reader: 'side' }],
    ]);
    driver.tap('side', '04A2B3C4');
    expect(() => driver.attach(' ')).toThrow(ValidationError);
  });

  it('refuses taps when stopped and reports nothing after stop', async () => {
    const driver = new SimCardReaderDriver({ readers: ['front'] });
    expect(() => driver.tap('front', '04A2B3C4')).toThrow(/not started/);
    const events = record(driver);
    await driver.start();
    await driver.stop();
    expect(driver.attachedReaders()).toEqual([]);
    expect(() => driver.tap('front', '04A2B3C4')).toThrow(HardwareError);
    driver.detach('front');
    expect(events).toEqual([['reader.attached', { reader: 'front' }]]);
  });

  it('a throwing listener does not stop other listeners', async () => {
    const { driver } = await started();
    const seen: string[] = [];
    driver.on('card', () => {
      throw new Error('boom');
    });
    driver.on('card', (c) => seen.push(c.uid));
    driver.tap('front', '04A2B3C4');
    expect(seen).toEqual(['04A2B3C4']);
  });
});

describe('createReaderDriver', () => {
  const deps = { clock: new FakeClock(), logger: silentLogger, readerNames: ['front'] };

  it('builds each driver by kind', () => {
    expect(createReaderDriver('sim', deps)).toBeInstanceOf(SimCardReaderDriver);
    expect(createReaderDriver('pcsc', deps)).toBeInstanceOf(PcscCardReaderDriver);
    expect(createReaderDriver('osdp', deps)).toBeInstanceOf(OsdpCardReaderDriver);
    expect(Object.keys(readerDrivers)).toEqual(['sim', 'pcsc', 'osdp']);
  });

  it('names the valid choices for an unknown kind', () => {
    expect(() => createReaderDriver('serial', deps)).toThrow(ConfigError);
    expect(() => createReaderDriver('serial', deps)).toThrow(/"serial".*sim, pcsc, osdp/);
    expect(() => createReaderDriver('toString', deps)).toThrow(ConfigError);
  });
});
