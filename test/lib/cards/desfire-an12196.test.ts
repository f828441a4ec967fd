/**
 * DESFire EV2 secure messaging pinned to NXP AN12196's worked examples (NTAG 424 DNA uses the same EV2
 * secure messaging): the AuthenticateEV2First handshake (Table 14), a MACed command and answer
 * (Table 7), ChangeKey of another key and of the authenticated key (Tables 25, 26); and the virtual
 * DESFire card answering the handshake with the same bytes as the application note.
 */
import { describe, expect, it } from 'vitest';
import { aesCbcEncrypt, padIso9797M2, xor } from '../../../lib/cards/aes.ts';
import type { CardChannel } from '../../../lib/cards/card-channel.ts';
import { commandIv, commandMac, crc32Desfire } from '../../../lib/cards/desfire/ev2-crypto.ts';
import {
  authenticateEv2First,
  CardAuthenticationError,
  Ev2Session,
} from '../../../lib/cards/desfire/ev2-session.ts';
import { DesfireEv2Card } from '../../../scripts/lab/desfire-card.ts';

const h = (text: string): Buffer => Buffer.from(text, 'hex');

/** A channel that expects exactly these command APDUs and answers these response APDUs. */
function scripted(steps: [command: string, response: string][]): CardChannel & { left: () => number } {
  const queue = [...steps];
  return {
    async transmit(apdu) {
      const step = queue.shift();
      if (!step) throw new Error(`unexpected APDU ${apdu.toString('hex')}`);
      expect(apdu.toString('hex').toUpperCase()).toBe(step[0]);
      return h(step[1]);
    },
    left: () => queue.length,
  };
}

describe('AuthenticateEV2First (AN12196 Table 14)', () => {
  const steps: [string, string][] = [
    ['9071000002000000', 'A04C124213C186F22399D33AC2A3021591AF'],
    [
      '90AF00002035C3E05A752E0144BAC0DE51C1F22C56B34408A23D8AEA266CAB947EA8E0118D00',
      '3FA64DB5446D1F34CD6EA311167F5E4985B89690C04A05F17FA7AB2F081206639100',
    ],
  ];

  it('derives TI and session keys', async () => {
    const channel = scripted(steps);
    const session = await authenticateEv2First(channel, 0, Buffer.alloc(16), () =>
      h('13C5DB8A5930439FC3DEF9A4C675360F'),
    );
    expect(session.ti).toEqual(h('9D00C4DF'));
    expect(session.keys.enc).toEqual(h('1309C877509E5A215007FF0ED19CA564'));
    expect(session.keys.mac).toEqual(h('4C6626F5E72EA694202139295C7A7FC7'));
    expect(channel.left()).toBe(0);
  });

  it("refuses a card that answers with another key (wrong RndA')", async () => {
    const wrong = h('3FA64DB5446D1F34CD6EA311167F5E4985B89690C04A05F17FA7AB2F081206649100');
    const channel = scripted([steps[0]!, [steps[1]![0], wrong.toString('hex').toUpperCase()]]);
    await expect(
      authenticateEv2First(channel, 0, Buffer.alloc(16), () => h('13C5DB8A5930439FC3DEF9A4C675360F')),
    ).rejects.toBeInstanceOf(CardAuthenticationError);
  });
});

describe('the virtual DESFire card answers AN12196 Table 14 byte for byte', () => {
  it('given the same RndB and TI', () => {
    const randoms = [h('B9E2FC789B64BF237CCCAA20EC7E6E48'), h('9D00C4DF')];
    const card = new DesfireEv2Card(h('04A2B3C4D5E6F7'), () => randoms.shift()!);
    card.addApplication(0x000001, [Buffer.alloc(16)]);
    const send = (hex: string): string => card.apdu(h(hex)).toString('hex').toUpperCase();
    expect(send('905A00000301000000')).toBe('9100');
    expect(send('9071000002000000')).toBe('A04C124213C186F22399D33AC2A3021591AF');
    expect(send('90AF00002035C3E05A752E0144BAC0DE51C1F22C56B34408A23D8AEA266CAB947EA8E0118D00')).toBe(
      '3FA64DB5446D1F34CD6EA311167F5E4985B89690C04A05F17FA7AB2F081206639100',
    );
  });
});

describe('secure messaging', () => {
  it('MACs a command and checks the answer MAC (AN12196 Table 7, GetFileSettings)', async () => {
    const ti = h('7A21085E');
    const keys = { enc: Buffer.alloc(16), mac: h('8248134A386E86EB7FAF54A52E536CB6') };
    const data = '0040EEEE000100D1FE001F00004400004400002000006A0000';
    const channel = scripted([['90F5000009026597A457C8CD442C00', `${data}2A474282E7A479869100`]]);
    const session = new Ev2Session(channel, 0, ti, keys);
    expect(await session.send(0xf5, h('02'), Buffer.alloc(0), 'mac')).toEqual(h(data));
    expect(session.commandCounter).toBe(1);
  });

  it('refuses an answer whose MAC was tampered with', async () => {
    const keys = { enc: Buffer.alloc(16), mac: h('8248134A386E86EB7FAF54A52E536CB6') };
    const channel = scripted([
      [
        '90F5000009026597A457C8CD442C00',
        '0040EEEE000100D1FE001F00004400004400002000006A00002A474282E7A479879100',
      ],
    ]);
    const session = new Ev2Session(channel, 0, h('7A21085E'), keys);
    await expect(session.send(0xf5, h('02'), Buffer.alloc(0), 'mac')).rejects.toBeInstanceOf(
      CardAuthenticationError,
    );
  });

  it('builds ChangeKey cryptograms (AN12196 Tables 25 and 26)', () => {
    const ti = h('7614281A');
    const enc = h('4CF3CB41A22583A61E89B158D252FC53');
    const mac = h('5529860B2FC5FB6154B7F28361D30BF9');
    // Table 25: key 2, old key all zeros, version 1, CmdCtr 2.
    const newKey2 = h('F3847D627727ED3BC9C4CC050489B966');
    expect(crc32Desfire(newKey2)).toEqual(h('789DFADC'));
    const iv25 = commandIv(enc, ti, 2);
    expect(iv25).toEqual(h('307EDE1814707F30CFE603DD6CA62353'));
    const plain25 = Buffer.concat([xor(newKey2, Buffer.alloc(16)), h('01'), crc32Desfire(newKey2)]);
    const enc25 = aesCbcEncrypt(enc, iv25, padIso9797M2(plain25));
    expect(enc25).toEqual(h('2CF362B7BF4311FF3BE1DAA295E8C68DE09050560D19B9E16C2393AE9CD1FAC7'));
    expect(commandMac(mac, 0xc4, 2, ti, Buffer.concat([h('02'), enc25]))).toEqual(h('5D0CE20BCD1D06E6'));
    // Table 26: key 0 (the authenticated one), new key ‖ version, CmdCtr 3.
    const iv26 = commandIv(enc, ti, 3);
    expect(iv26).toEqual(h('01602D579423B2797BE8B478B0B4D27B'));
    const enc26 = aesCbcEncrypt(
      enc,
      iv26,
      padIso9797M2(Buffer.concat([h('5004BF991F408672B1EF00F08F9E8647'), h('01')])),
    );
    expect(enc26).toEqual(h('C0EB4DEEFEDDF0B513A03A95A75491818580503190D4D05053FF75668A01D6FD'));
    expect(commandMac(mac, 0xc4, 3, ti, Buffer.concat([h('00'), enc26]))).toEqual(h('A6610234BDED6432'));
  });
});
