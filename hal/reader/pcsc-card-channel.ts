/**
 * A CardChannel to the card on an nfc-pcsc reader: pass-through APDUs for the secure card protocols
 * (lib/cards). Every exchange is bounded in size and time, and a channel is closed for good once the card
 * it was opened for has left, so a late exchange cannot reach the next card on the reader.
 */
import type { CardChannel } from '../../lib/cards/card-channel.ts';
import { HardwareError } from '../../lib/errors.ts';
import type { NfcReader } from './pcsc-lib.ts';

export interface PcscCardChannelOptions {
  /** Longest answer accepted (data + SW). Default 258: a short APDU's maximum. */
  maxResponse?: number;
  /** Per-exchange timeout. Default 1000 ms: a DESFire answers in a few ms; a stuck reader must not hold a door. */
  timeoutMs?: number;
}

export interface PcscCardChannel extends CardChannel {
  /** Refuses every later exchange (call it on card removal). */
  close(): void;
}

export function openPcscCardChannel(
  reader: NfcReader,
  options: PcscCardChannelOptions = {},
): PcscCardChannel {
  const maxResponse = options.maxResponse ?? 258;
  const timeoutMs = options.timeoutMs ?? 1000;
  let open = true;
  return {
    close() {
      open = false;
    },
    async transmit(apdu) {
      if (!open) throw new HardwareError(`reader "${reader.name}": the card channel is closed`);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new HardwareError(`reader "${reader.name}": no card answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      try {
        const answer = await Promise.race([reader.transmit(apdu, maxResponse), timeout]);
        if (answer.length > maxResponse) throw new HardwareError(`reader "${reader.name}": answer too long`);
        return answer;
      } catch (err) {
        if (err instanceof HardwareError) throw err;
        throw new HardwareError(`reader "${reader.name}": exchange with the card failed`, { cause: err });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
