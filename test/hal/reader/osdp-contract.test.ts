/** The reader contract for the OSDP driver: a simulated reader on a socat pty pair, secure channel on. */
import { OsdpCardReaderDriver } from '../../../hal/reader/osdp/driver.ts';
import { SimulatedOsdpBus } from '../../../scripts/lab/osdp-bus.ts';
import { SimulatedPd } from '../../../scripts/lab/osdp-pd.ts';
import { startPtyPair } from '../../../scripts/lab/pty-pair.ts';
import { describeReaderContract } from './contract.ts';
import { KEY_A } from './osdp-fixture.ts';

describeReaderContract('osdp', async () => {
  const pair = await startPtyPair();
  const pd = new SimulatedPd({ address: 1, scbk: KEY_A });
  const bus = await SimulatedOsdpBus.open(pair.b, [pd]);
  const driver = new OsdpCardReaderDriver({
    buses: [{ path: pair.a, baudRate: 115200, readers: [{ name: 'front', address: 1, scbk: KEY_A }] }],
  });
  return {
    driver,
    reader: 'front',
    present: async (uid) => pd.present(uid),
    remove: async () => {},
    eventTimeoutMs: 1000,
    close: async () => {
      await bus.close();
      await pair.stop();
    },
  };
});
