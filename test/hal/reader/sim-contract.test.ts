import { SimCardReaderDriver } from '../../../hal/reader/sim.ts';
import { describeReaderContract } from './contract.ts';

describeReaderContract('sim', async () => {
  const driver = new SimCardReaderDriver({ readers: ['front'] });
  return {
    driver,
    reader: 'front',
    present: async (uid) => driver.tap('front', uid),
    remove: async () => {},
    eventTimeoutMs: 500,
    close: async () => {},
  };
});
