/** The reader contract for the PC/SC driver: pcscd + vpcd + the virtual card, in the lab namespace. */
import { PcscCardReaderDriver } from '../../hal/reader/pcsc.ts';
import { startPcscd } from '../../scripts/lab/pcscd.ts';
import { VirtualCard } from '../../scripts/lab/virtual-card.ts';
import { describeReaderContract } from '../hal/reader/contract.ts';

describeReaderContract('pcsc', async () => {
  const pcscd = await startPcscd();
  const driver = new PcscCardReaderDriver();
  let card: VirtualCard | undefined;
  return {
    driver,
    reader: pcscd.readerName,
    present: async (uid) => {
      card = new VirtualCard({ uid, port: pcscd.port });
      await card.insert();
    },
    remove: async () => {
      await card?.remove();
      card = undefined;
    },
    eventTimeoutMs: 3000,
    close: async () => {
      await card?.remove();
      await pcscd.stop();
    },
  };
});
