import { describe, expect, it } from 'vitest';
import { openSecuredReply } from '../../../hal/reader/osdp/secured-reply.ts';
import { OsdpCommand, OsdpReply } from '../../../lib/osdp/codes.ts';
import { decodeFrame, encodeFrame } from '../../../lib/osdp/frame.ts';
import { AcuSecureSession, PdSecureSession } from '../../../lib/osdp/secure-session.ts';

const KEY = Buffer.alloc(16, 0x42);
const base = { address: 1, sqn: 1, crc: true } as const;

function established() {
  const acu = new AcuSecureSession(KEY);
  const pd = new PdSecureSession(Buffer.alloc(8, 1));
  const wire = (m: { scb: { type: number; data: Buffer }; data: Buffer }, code: number, reply: boolean) =>
    decodeFrame(encodeFrame({ ...base, reply, code, scb: m.scb, data: m.data }));
  const ccrypt = wire(
    pd.onChallenge(wire(acu.challenge(), OsdpCommand.CHLNG, false), KEY),
    OsdpReply.CCRYPT,
    true,
  );
  const scrypt = wire(acu.onClientCryptogram(ccrypt), OsdpCommand.SCRYPT, false);
  acu.onInitialRmac(wire(pd.onServerCryptogram(scrypt), OsdpReply.RMAC_I, true));
  pd.openCommand(decodeFrame(acu.sealCommand(base, OsdpCommand.POLL, Buffer.alloc(0))));
  return { acu, pd };
}

const plain = (code: number, data: Buffer) => decodeFrame(encodeFrame({ ...base, reply: true, code, data }));

describe('openSecuredReply (no downgrade)', () => {
  it('opens a verified reply', () => {
    const { acu, pd } = established();
    const card = Buffer.from([0, 0, 32, 0, 4, 0xa2, 0xb3, 0xc4]);
    expect(openSecuredReply(acu, decodeFrame(pd.sealReply(base, OsdpReply.RAW, card)))).toEqual({
      data: card,
    });
  });

  it('never returns the data of an unsecured reply; an unsecured NAK is named as a lost session', () => {
    const { acu } = established();
    expect(openSecuredReply(acu, plain(OsdpReply.RAW, Buffer.from([0, 0, 32, 0, 1, 2, 3, 4])))).toEqual({
      alarm: 'downgrade',
      message: expect.stringMatching(/unsecured reply/),
    });
    expect(openSecuredReply(acu, plain(OsdpReply.NAK, Buffer.from([6])))).toMatchObject({
      alarm: 'downgrade',
      message: expect.stringMatching(/lost its secure session/),
    });
    expect(openSecuredReply(undefined, plain(OsdpReply.ACK, Buffer.alloc(0)))).toMatchObject({
      alarm: 'downgrade',
    });
  });

  it('a secured reply whose MAC does not verify is a mac_mismatch', () => {
    const { acu } = established();
    const other = established();
    const forged = decodeFrame(other.pd.sealReply(base, OsdpReply.ACK, Buffer.alloc(0)));
    expect(openSecuredReply(acu, forged)).toMatchObject({ alarm: 'mac_mismatch' });
  });
});
