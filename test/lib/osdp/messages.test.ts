import { describe, expect, it } from 'vitest';
import { OsdpPayloadError } from '../../../lib/osdp/errors.ts';
import * as m from '../../../lib/osdp/messages.ts';

describe('OSDP payload codecs', () => {
  it('round-trips every command and reply portvakt uses', () => {
    const led: m.OsdpLedCommand = {
      reader: 0,
      led: 0,
      temporary: { onTime: 5, offTime: 0, onColor: m.OsdpLedColor.GREEN, offColor: 0, timer: 30 },
    };
    expect(m.decodeLed(m.encodeLed(led))).toEqual([led]);
    const buz = { reader: 0, tone: 2, onTime: 2, offTime: 1, count: 3 };
    expect(m.decodeBuzzer(m.encodeBuzzer(buz))).toEqual(buz);
    expect(m.decodeComSet(m.encodeComSet({ address: 9, baud: 115200 }))).toEqual({
      address: 9,
      baud: 115200,
    });
    const key = Buffer.alloc(16, 0x42);
    expect(m.decodeKeySet(m.encodeKeySet(key))).toEqual(key);
    const id = { vendor: '0A1B2C', model: 3, version: 1, serial: 123456, firmware: '2.1.7' };
    expect(m.decodePdId(m.encodePdId(id))).toEqual(id);
    const caps = [{ fn: 9, compliance: 1, count: 1 }];
    expect(m.decodePdCap(m.encodePdCap(caps))).toEqual(caps);
    expect(m.decodeLocalStatus(m.encodeLocalStatus({ tamper: true, powerFailure: false }))).toEqual({
      tamper: true,
      powerFailure: false,
    });
    const card = { reader: 0, format: 0, bits: 26, data: Buffer.from([1, 2, 3, 0xc0]) };
    expect(m.decodeRawCard(m.encodeRawCard(card))).toEqual(card);
    expect(m.decodeKeypad(m.encodeKeypad({ reader: 0, keys: '12*#' }))).toEqual({ reader: 0, keys: '12*#' });
    expect(m.decodeNak(Buffer.from([6]))).toEqual({ reason: 6 });
  });

  it('refuses payloads of the wrong size instead of reading past them', () => {
    expect(() => m.decodeLed(Buffer.alloc(13))).toThrow(OsdpPayloadError);
    expect(() => m.decodeBuzzer(Buffer.alloc(4))).toThrow(OsdpPayloadError);
    expect(() => m.decodeRawCard(Buffer.from([0, 0, 32, 0, 1, 2]))).toThrow(/32 bits/);
    expect(() => m.decodeRawCard(Buffer.from([0, 0, 0, 0]))).toThrow(/bit count 0/);
    expect(() => m.decodeKeypad(Buffer.from([0, 3, 0x31]))).toThrow(/3 keys/);
    expect(() => m.decodeKeypad(Buffer.from([0, 1, 0x41]))).toThrow(/not a digit/);
    expect(() => m.decodeKeySet(Buffer.from([2, 16, ...Buffer.alloc(16)]))).toThrow(/key type/);
    expect(() => m.decodeLocalStatus(Buffer.alloc(1))).toThrow(OsdpPayloadError);
    expect(() => m.decodeNak(Buffer.alloc(0))).toThrow(OsdpPayloadError);
    expect(() => m.decodePdCap(Buffer.alloc(4))).toThrow(OsdpPayloadError);
  });
});
