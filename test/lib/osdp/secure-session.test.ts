import { describe, expect, it } from 'vitest';
import { OsdpCommand, OsdpReply } from '../../../lib/osdp/codes.ts';
import { osdpCrc16 as crc16 } from '../../../lib/osdp/crc.ts';
import { OsdpSecureError } from '../../../lib/osdp/errors.ts';
import { decodeFrame, encodeFrame, type OsdpFrame } from '../../../lib/osdp/frame.ts';
import {
  decryptData,
  deriveSessionKeys,
  encryptData,
  messageMac,
  SCBK_D,
} from '../../../lib/osdp/secure-crypto.ts';
import {
  AcuSecureSession,
  type HandshakeMessage,
  PdSecureSession,
} from '../../../lib/osdp/secure-session.ts';

const KEY = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const OTHER = Buffer.from('f0e0d0c0b0a090807060504030201000', 'hex');
const CUID = Buffer.from('a1b2c3d4e5f60718', 'hex');
const base = { address: 3, sqn: 1, crc: true } as const;

function wire(msg: HandshakeMessage, code: number, reply: boolean): OsdpFrame {
  return decodeFrame(encodeFrame({ ...base, reply, code, scb: msg.scb, data: msg.data }));
}

function handshake(acuKey: Buffer | undefined, pdKey: Buffer) {
  const acu = new AcuSecureSession(acuKey);
  const pd = new PdSecureSession(CUID);
  const chlng = wire(acu.challenge(), OsdpCommand.CHLNG, false);
  const ccrypt = wire(pd.onChallenge(chlng, pdKey), OsdpReply.CCRYPT, true);
  return { acu, pd, chlng, ccrypt };
}

function establish() {
  const { acu, pd, ccrypt } = handshake(KEY, KEY);
  const scrypt = wire(acu.onClientCryptogram(ccrypt), OsdpCommand.SCRYPT, false);
  acu.onInitialRmac(wire(pd.onServerCryptogram(scrypt), OsdpReply.RMAC_I, true));
  return { acu, pd };
}

describe('OSDP Secure Channel', () => {
  it('an ACU and a PD with the same SCBK establish a session and exchange MACed, encrypted messages', () => {
    const { acu, pd } = establish();
    expect(acu.established && pd.established).toBe(true);
    expect(acu.clientUid).toEqual(CUID);
    for (let i = 0; i < 3; i++) {
      const led = Buffer.from([0, 0, 2, 5, 5, 2, 0, 10, 0, 0, 0, 0, 0, 0]);
      const cmd = decodeFrame(acu.sealCommand(base, OsdpCommand.LED, led));
      expect(cmd.scb?.type).toBe(0x17);
      expect(cmd.data).not.toEqual(led);
      expect(pd.openCommand(cmd)).toEqual(led);
      const poll = decodeFrame(acu.sealCommand(base, OsdpCommand.POLL, Buffer.alloc(0)));
      expect(poll.scb?.type).toBe(0x15);
      expect(pd.openCommand(poll)).toEqual(Buffer.alloc(0));
      const card = Buffer.from([0, 1, 32, 0, 0xde, 0xad, 0xbe, 0xef]);
      const reply = decodeFrame(pd.sealReply(base, OsdpReply.RAW, card));
      expect(reply.scb?.type).toBe(0x18);
      expect(acu.openReply(reply)).toEqual(card);
    }
  });

  it('install mode: both sides use SCBK-D when the ACU has no key yet', () => {
    const { acu, pd, ccrypt } = handshake(undefined, SCBK_D);
    expect(PdSecureSession.requestedKey(wire(new AcuSecureSession(undefined).challenge(), 0x76, false))).toBe(
      'scbk-d',
    );
    const scrypt = wire(acu.onClientCryptogram(ccrypt), OsdpCommand.SCRYPT, false);
    acu.onInitialRmac(wire(pd.onServerCryptogram(scrypt), OsdpReply.RMAC_I, true));
    expect(acu.established).toBe(true);
  });

  it('a PD with another key fails the client cryptogram check', () => {
    const { acu, ccrypt } = handshake(KEY, OTHER);
    expect(() => acu.onClientCryptogram(ccrypt)).toThrow(
      expect.objectContaining({ fault: 'client_cryptogram_mismatch' }),
    );
    expect(acu.established).toBe(false);
  });

  it('a CCRYPT made with SCBK-D in answer to a challenge for the SCBK is refused', () => {
    const acu = new AcuSecureSession(KEY);
    const chlng = wire(acu.challenge(), OsdpCommand.CHLNG, false);
    const pd = new PdSecureSession(CUID);
    const answer = pd.onChallenge(chlng, SCBK_D);
    const forged = wire(
      { scb: { type: 0x12, data: Buffer.from([0]) }, data: answer.data },
      OsdpReply.CCRYPT,
      true,
    );
    expect(() => acu.onClientCryptogram(forged)).toThrow(/another key type/);
  });

  it('a PD refuses an ACU whose server cryptogram is wrong', () => {
    const { pd, ccrypt } = handshake(KEY, KEY);
    const forged = wire(
      { scb: { type: 0x13, data: Buffer.from([1]) }, data: Buffer.alloc(16, 7) },
      0x77,
      false,
    );
    expect(ccrypt.code).toBe(OsdpReply.CCRYPT);
    expect(() => pd.onServerCryptogram(forged)).toThrow(OsdpSecureError);
    expect(pd.established).toBe(false);
  });

  it('a tampered, replayed or unsecured reply is refused and does not advance the chain', () => {
    const { acu, pd } = establish();
    pd.openCommand(decodeFrame(acu.sealCommand(base, OsdpCommand.POLL, Buffer.alloc(0))));
    const reply = pd.sealReply(base, OsdpReply.ACK, Buffer.alloc(0));
    const tampered = Buffer.from(reply);
    tampered[1] = tampered[1]! ^ 0x01; // another address, CRC recomputed below
    expect(() => acu.openReply(decodeFrame(reencode(tampered)))).toThrow(
      expect.objectContaining({ fault: 'mac_mismatch' }),
    );
    const plain = decodeFrame(
      encodeFrame({ ...base, reply: true, code: OsdpReply.ACK, data: Buffer.alloc(0) }),
    );
    expect(() => acu.openReply(plain)).toThrow(expect.objectContaining({ fault: 'unexpected_scb' }));
    expect(acu.openReply(decodeFrame(reply))).toEqual(Buffer.alloc(0));
    // The next command moves the chain on: the old reply replayed to it no longer verifies.
    pd.openCommand(decodeFrame(acu.sealCommand(base, OsdpCommand.POLL, Buffer.alloc(0))));
    expect(() => acu.openReply(decodeFrame(reply))).toThrow(
      expect.objectContaining({ fault: 'mac_mismatch' }),
    );
  });

  it('the PD refuses a command whose MAC does not match (a forged or altered command)', () => {
    const { acu, pd } = establish();
    const sealed = acu.sealCommand(base, OsdpCommand.LED, Buffer.alloc(14, 1));
    const altered = Buffer.from(sealed);
    altered[8] = altered[8]! ^ 0x01; // a bit of the encrypted data
    expect(() => pd.openCommand(decodeFrame(withFixedCrc(altered)))).toThrow(
      expect.objectContaining({ fault: 'mac_mismatch' }),
    );
    expect(pd.openCommand(decodeFrame(sealed))).toEqual(Buffer.alloc(14, 1));
  });

  it('padding: encryption always adds 0x80, the MAC pads only partial blocks', () => {
    const keys = deriveSessionKeys(KEY, Buffer.alloc(8, 1));
    const iv = Buffer.alloc(16, 9);
    for (const size of [0, 1, 15, 16, 17, 31, 32]) {
      const data = Buffer.alloc(size, 0xaa);
      const sealed = encryptData(keys, iv, data);
      expect(sealed.length).toBe(Math.ceil((size + 1) / 16) * 16);
      expect(decryptData(keys, iv, sealed)).toEqual(data);
    }
    const sixteen = Buffer.alloc(16, 1);
    expect(messageMac(keys, iv, sixteen)).not.toEqual(
      messageMac(keys, iv, Buffer.concat([sixteen, Buffer.from([0x80])])),
    );
  });
});

/** Rewrites the CRC of a hand-edited packet so only the MAC can catch the edit. */
function reencode(packet: Buffer): Buffer {
  const frame = decodeFrame(withFixedCrc(packet));
  return frame.raw;
}

function withFixedCrc(packet: Buffer): Buffer {
  const copy = Buffer.from(packet);
  const crc = crc16(copy.subarray(0, copy.length - 2));
  copy.writeUInt16LE(crc, copy.length - 2);
  return copy;
}
