/**
 * An OSDP bus for tests: a socat pty pair, simulated readers (scripts/lab/osdp-pd.ts) on one end and the
 * panel's real OSDP driver on the other, both through node-serialport.
 */
import { OsdpCardReaderDriver } from '../../../hal/reader/osdp/driver.ts';
import type { OsdpCardReaderOptions, OsdpReaderOptions } from '../../../hal/reader/osdp/options.ts';
import type { CardReaderEvents } from '../../../hal/reader/types.ts';
import { SimulatedOsdpBus } from '../../../scripts/lab/osdp-bus.ts';
import { SimulatedPd, type SimulatedPdOptions } from '../../../scripts/lab/osdp-pd.ts';
import { startPtyPair } from '../../../scripts/lab/pty-pair.ts';
import { until } from '../../../scripts/lab/until.ts';

export const KEY_A = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
export const KEY_B = Buffer.from('ffeeddccbbaa99887766554433221100', 'hex');

export type Recorded = { [K in keyof CardReaderEvents]: [K, CardReaderEvents[K]] }[keyof CardReaderEvents];

export interface OsdpLab {
  driver: OsdpCardReaderDriver;
  pds: SimulatedPd[];
  bus: SimulatedOsdpBus;
  events: Recorded[];
  /** Events of one kind, payloads only. */
  seen<K extends keyof CardReaderEvents>(event: K): CardReaderEvents[K][];
  waitFor<K extends keyof CardReaderEvents>(
    event: K,
    match?: (payload: CardReaderEvents[K]) => boolean,
  ): Promise<CardReaderEvents[K]>;
  close(): Promise<void>;
}

export interface LabReader {
  pd: SimulatedPdOptions;
  /** What the driver's config says about this reader (name defaults to "r<address>"). */
  acu?: Partial<OsdpReaderOptions>;
}

const ALL_EVENTS = [
  'card',
  'card.removed',
  'reader.attached',
  'reader.detached',
  'error',
  'keypad',
  'reader.tamper',
  'reader.power',
  'reader.security',
] as const;

export async function startOsdpLab(
  readers: LabReader[],
  options: Partial<OsdpCardReaderOptions> = {},
): Promise<OsdpLab> {
  const pair = await startPtyPair();
  const pds = readers.map((r) => new SimulatedPd(r.pd));
  const bus = await SimulatedOsdpBus.open(pair.b, pds);
  const driver = new OsdpCardReaderDriver({
    retryInitialMs: 50,
    retryMaxMs: 400,
    ...options,
    buses: [
      {
        path: pair.a,
        baudRate: 115200,
        readers: readers.map((r) => ({ name: `r${r.pd.address}`, address: r.pd.address, ...r.acu })),
      },
    ],
  });
  const events: Recorded[] = [];
  for (const event of ALL_EVENTS) driver.on(event, (payload) => events.push([event, payload] as Recorded));
  await driver.start();
  const seen = <K extends keyof CardReaderEvents>(event: K) =>
    events.filter((e) => e[0] === event).map((e) => e[1] as CardReaderEvents[K]);
  return {
    driver,
    pds,
    bus,
    events,
    seen,
    waitFor: (event, match = () => true) => until(() => seen(event).find(match), `a "${event}" event`, 5000),
    async close() {
      await driver.stop();
      await bus.close();
      await pair.stop();
    },
  };
}
