/** Card reader drivers by the name used in config (`hardware.reader`). */
import type { Clock } from '../../lib/clock/clock.ts';
import { ConfigError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { OsdpCardReaderDriver } from './osdp/driver.ts';
import type { OsdpCardReaderOptions } from './osdp/options.ts';
import { PcscCardReaderDriver, type PcscCardReaderOptions } from './pcsc.ts';
import { SimCardReaderDriver } from './sim.ts';
import type { CardReaderDriver } from './types.ts';

export type ReaderDriverKind = 'sim' | 'pcsc' | 'osdp';

/** What every driver needs, plus what single drivers read (the others ignore it). */
export interface ReaderDriverDeps {
  clock: Clock;
  logger: Logger;
  /** Reader names from config: the sim driver plugs these in; the PC/SC driver discovers its own. */
  readerNames?: readonly string[];
  pcsc?: Omit<PcscCardReaderOptions, 'clock' | 'logger'>;
  /** Buses and readers from config (`osdp`); timing overrides for tests. */
  osdp?: Omit<OsdpCardReaderOptions, 'clock' | 'logger'>;
}

export const readerDrivers: Record<ReaderDriverKind, (deps: ReaderDriverDeps) => CardReaderDriver> = {
  sim: ({ clock, logger, readerNames }) =>
    new SimCardReaderDriver({ readers: readerNames ?? [], clock, logger }),
  pcsc: ({ clock, logger, pcsc }) => new PcscCardReaderDriver({ ...pcsc, clock, logger }),
  osdp: ({ clock, logger, osdp }) => new OsdpCardReaderDriver({ buses: [], ...osdp, clock, logger }),
};

export function isReaderDriverKind(kind: string): kind is ReaderDriverKind {
  return Object.hasOwn(readerDrivers, kind);
}

export function createReaderDriver(kind: string, deps: ReaderDriverDeps): CardReaderDriver {
  if (!isReaderDriverKind(kind)) {
    const valid = Object.keys(readerDrivers);
    throw new ConfigError(`unknown card reader driver "${kind}"; valid choices: ${valid.join(', ')}`, valid);
  }
  return readerDrivers[kind](deps);
}
