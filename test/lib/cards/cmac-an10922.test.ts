/** AES-CMAC against RFC 4493 §4 and AN10922 diversification against the application note's example. */
import { describe, expect, it } from 'vitest';
import { aesCmac, cmacSubkeys, truncateMacEv2 } from '../../../lib/cards/aes-cmac.ts';
import { diversifyAes128, diversifyCardKey } from '../../../lib/cards/an10922.ts';

const h = (text: string): Buffer => Buffer.from(text.replace(/\s/g, ''), 'hex');
const RFC_KEY = h('2b7e1516 28aed2a6 abf71588 09cf4f3c');
const RFC_MESSAGE = h(
  `6bc1bee2 2e409f96 e93d7e11 7393172a ae2d8a57 1e03ac9c 9eb76fac 45af8e51
   30c81c46 a35ce411 e5fbc119 1a0a52ef f69f2445 df4f9b17 ad2b417b e66c3710`,
);

describe('AES-CMAC (RFC 4493)', () => {
  it('derives the subkeys', () => {
    const { k1, k2 } = cmacSubkeys(RFC_KEY);
    expect(k1).toEqual(h('fbeed618 35713366 7c85e08f 7236a8de'));
    expect(k2).toEqual(h('f7ddac30 6ae266cc f90bc11e e46d513b'));
  });

  it.each([
    [0, 'bb1d6929 e9593728 7fa37d12 9b756746'],
    [16, '070a16b4 6b4d4144 f79bdd9d d04a287c'],
    [40, 'dfa66747 de9ae630 30ca3261 1497c827'],
    [64, '51f0bebf 7e3b9d92 fc497417 79363cfe'],
  ])('example with a %i-byte message', (length, mac) => {
    expect(aesCmac(RFC_KEY, RFC_MESSAGE.subarray(0, length))).toEqual(h(mac));
  });

  it('truncates EV2-style: the odd-offset bytes', () => {
    expect(truncateMacEv2(h('000102030405060708090a0b0c0d0e0f'))).toEqual(h('01030507090b0d0f'));
  });
});

describe('AN10922 AES-128 diversification', () => {
  const master = h('00112233445566778899AABBCCDDEEFF');

  it('reproduces the application note example (UID 04782E21801D80, AID 3042F5, "NXP Abu")', () => {
    expect(diversifyAes128(master, h('04782E21801D803042F54E585020416275'))).toEqual(
      h('A8DD63A3B89D54B37CA802473FDA9175'),
    );
    // The same input built from its parts; the AID goes LSB first (F54230 is sent as 30 42 F5).
    const key = diversifyCardKey(master, {
      uid: h('04782E21801D80'),
      aid: 0xf54230,
      systemIdentifier: Buffer.from('NXP Abu', 'ascii'),
    });
    expect(key).toEqual(h('A8DD63A3B89D54B37CA802473FDA9175'));
  });

  it('handles the unpadded 31-byte case and refuses inputs out of range', () => {
    expect(diversifyAes128(master, Buffer.alloc(31, 0xaa))).toHaveLength(16);
    expect(() => diversifyAes128(master, Buffer.alloc(0))).toThrow(RangeError);
    expect(() => diversifyAes128(master, Buffer.alloc(32))).toThrow(RangeError);
  });

  it('gives every card and every building its own key', () => {
    const base = { uid: h('04782E21801D80'), aid: 0xf54230, systemIdentifier: Buffer.from('A') };
    const k = diversifyCardKey(master, base);
    expect(diversifyCardKey(master, { ...base, uid: h('04782E21801D81') })).not.toEqual(k);
    expect(diversifyCardKey(master, { ...base, systemIdentifier: Buffer.from('B') })).not.toEqual(k);
    expect(diversifyCardKey(master, { ...base, aid: 0xf54231 })).not.toEqual(k);
  });
});
