/** Recognizes simulated drivers, whose control surfaces back the simulator API. */
import { SimGpioDriver } from '../../hal/gpio/sim.ts';
import type { GpioDriver } from '../../hal/gpio/types.ts';
import { SimCardReaderDriver } from '../../hal/reader/sim.ts';
import type { CardReaderDriver } from '../../hal/reader/types.ts';

export function simGpioOf(driver: GpioDriver): SimGpioDriver | undefined {
  return driver instanceof SimGpioDriver ? driver : undefined;
}

export function simReadersOf(driver: CardReaderDriver): SimCardReaderDriver | undefined {
  return driver instanceof SimCardReaderDriver ? driver : undefined;
}
