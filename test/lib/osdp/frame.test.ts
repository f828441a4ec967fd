import { describe, expect, it } from 'vitest';
import { OsdpCommand, OsdpReply } from '../../../lib/osdp/codes.ts';
import { osdpChecksum, osdpCrc16 } from '../../../lib/osdp/crc.ts';
import { OsdpFrameError } from '../../../lib/osdp/errors.ts';
import { decodeFrame, encodeFrame } from '../../../lib/osdp/frame.ts';

const poll = { address: 5, reply: false, sqn: 1, crc: true, code: OsdpCommand.POLL, data: Buffer.alloc(0) };

function faultOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof OsdpFrameError ? err.fault : `not an OsdpFrameError: ${String(err)}`;
  }
  return undefined;
}

describe('OSDP CRC-16 and checksum', () => {
  it('is CRC-16/AUG-CCITT (check value of "123456789" is 0xE5CC)', () => {
    expect(osdpCrc16(Buffer.from('123456789'))).toBe(0xe5cc);
  });
  it('the checksum makes the byte sum zero', () => {
    const bytes = Buffer.from([0x53, 0x01, 0x07, 0x00, 0x00, 0x60]);
    expect((bytes.reduce((a, b) => a + b, 0) + osdpChecksum(bytes)) & 0xff).toBe(0);
  });
});

describe('OSDP frames', () => {
  it('encodes a POLL as the standard lays it out (LEN and CRC LSB first)', () => {
    const bytes = encodeFrame(poll);
    expect(bytes.subarray(0, 6)).toEqual(Buffer.from([0x53, 0x05, 0x08, 0x00, 0x05, 0x60]));
    expect(bytes.readUInt16LE(6)).toBe(osdpCrc16(bytes, 0, 6));
  });

  it('round-trips replies with the reply bit, checksum packets and SCBs', () => {
    const reply = decodeFrame(encodeFrame({ ...poll, reply: true, code: OsdpReply.ACK }));
    expect(reply).toMatchObject({ address: 5, reply: true, sqn: 1, code: OsdpReply.ACK });
    const sum = decodeFrame(encodeFrame({ ...poll, crc: false, data: Buffer.from([1, 2]) }));
    expect(sum).toMatchObject({ crc: false, data: Buffer.from([1, 2]) });
    const scb = decodeFrame(
      encodeFrame({ ...poll, scb: { type: 0x11, data: Buffer.from([1]) }, code: OsdpCommand.CHLNG }),
    );
    expect(scb.scb).toEqual({ type: 0x11, data: Buffer.from([1]) });
  });

  it('carries a MAC in secure messages and exposes what it covers', () => {
    const bytes = encodeFrame({ ...poll, scb: { type: 0x15, data: Buffer.alloc(0) } }, () =>
      Buffer.from('a1a2a3a4a5a6a7a8a9aaabacadaeafa0', 'hex'),
    );
    const frame = decodeFrame(bytes);
    expect(frame.mac).toEqual(Buffer.from('a1a2a3a4', 'hex'));
    expect(frame.authenticated).toEqual(bytes.subarray(0, bytes.length - 6));
  });

  it('names what is wrong with a bad packet', () => {
    const good = encodeFrame(poll);
    const tweak = (at: number, value: number): Buffer => {
      const copy = Buffer.from(good);
      copy[at] = value;
      return copy;
    };
    expect(faultOf(() => decodeFrame(tweak(0, 0x54)))).toBe('bad_som');
    expect(faultOf(() => decodeFrame(good.subarray(0, 3)))).toBe('truncated');
    expect(faultOf(() => decodeFrame(good.subarray(0, 7)))).toBe('truncated');
    expect(faultOf(() => decodeFrame(tweak(2, 0x02)))).toBe('length_out_of_bounds');
    expect(faultOf(() => decodeFrame(Buffer.concat([good, Buffer.from([0])])))).toBe('length_mismatch');
    expect(faultOf(() => decodeFrame(tweak(5, 0x61)))).toBe('crc_mismatch');
    expect(faultOf(() => decodeFrame(tweak(3, 0x10)))).toBe('length_out_of_bounds');
    expect(faultOf(() => decodeFrame(encodeFrame({ ...poll, crc: false }).fill(0, 6)))).toBe(
      'checksum_mismatch',
    );
  });

  it('refuses to encode out-of-range fields', () => {
    expect(() => encodeFrame({ ...poll, address: 0x80 })).toThrow(RangeError);
    expect(() => encodeFrame({ ...poll, sqn: 4 })).toThrow(RangeError);
    expect(() => encodeFrame({ ...poll, data: Buffer.alloc(2000) })).toThrow(RangeError);
    expect(() => encodeFrame({ ...poll, scb: { type: 0x15, data: Buffer.alloc(0) } })).toThrow(/needs a MAC/);
  });
});
