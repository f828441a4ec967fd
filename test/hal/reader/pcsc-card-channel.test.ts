/** The PC/SC card channel's bounds, against a stand-in for the nfc-pcsc reader (the real one runs in test/pcsc/). */
import { describe, expect, it } from 'vitest';
import { openPcscCardChannel } from '../../../hal/reader/pcsc-card-channel.ts';
import type { NfcReader } from '../../../hal/reader/pcsc-lib.ts';
import { HardwareError } from '../../../lib/errors.ts';

function reader(transmit: NfcReader['transmit']): NfcReader {
  return {
    name: 'Test PCD 00 00',
    autoProcessing: false,
    emit: () => true,
    on: () => undefined,
    transmit,
    close: () => {},
  };
}

describe('openPcscCardChannel', () => {
  it('passes APDUs through with the response bound', async () => {
    const seen: number[] = [];
    const channel = openPcscCardChannel(
      reader(async (data, max) => {
        seen.push(max);
        return Buffer.concat([data, Buffer.from([0x90, 0x00])]);
      }),
    );
    expect(await channel.transmit(Buffer.from([1, 2]))).toEqual(Buffer.from([1, 2, 0x90, 0x00]));
    expect(seen).toEqual([258]);
  });

  it('refuses answers over the bound, reader errors and silence as HardwareError', async () => {
    const long = openPcscCardChannel(reader(async () => Buffer.alloc(300)));
    await expect(long.transmit(Buffer.from([0]))).rejects.toThrow(/answer too long/);
    const failing = openPcscCardChannel(
      reader(async () => Promise.reject(new Error('SCardTransmit failed'))),
    );
    await expect(failing.transmit(Buffer.from([0]))).rejects.toBeInstanceOf(HardwareError);
    const silent = openPcscCardChannel(
      reader(() => new Promise<Buffer>(() => {})),
      { timeoutMs: 5 },
    );
    await expect(silent.transmit(Buffer.from([0]))).rejects.toThrow(/no card answer within 5 ms/);
  });

  it('refuses every exchange once closed (the card left)', async () => {
    const channel = openPcscCardChannel(reader(async () => Buffer.from([0x90, 0x00])));
    channel.close();
    await expect(channel.transmit(Buffer.from([0]))).rejects.toThrow(/closed/);
  });
});
