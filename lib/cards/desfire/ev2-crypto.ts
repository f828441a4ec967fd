/**
 * The pure arithmetic of DESFire EV2 secure messaging, shared by the host side (ev2-session.ts) and the
 * lab's virtual card, and pinned to NXP AN12196's worked examples in the tests:
 *
 *  - session keys: KSesAuthENC = CMAC(Kx, SV1), KSesAuthMAC = CMAC(Kx, SV2), with
 *    SVn = (A5 5A | 5A A5) ‖ 00 01 00 80 ‖ RndA[0..1] ‖ (RndA[2..7] ⊕ RndB[0..5]) ‖ RndB[6..15] ‖ RndA[8..15];
 *  - MACt = odd bytes of CMAC(KSesAuthMAC, Cmd ‖ CmdCtr(LE16) ‖ TI ‖ header ‖ data) on commands and
 *    CMAC(KSesAuthMAC, RC ‖ CmdCtr+1 ‖ TI ‖ data) on answers: the counter ties each MAC to its place in
 *    the session, so a recorded answer cannot be replayed;
 *  - IVs for full mode: E(KSesAuthENC, A5 5A ‖ TI ‖ CmdCtr ‖ 0⁸) for commands, 5A A5 for answers.
 */
import { AES_BLOCK, aesEncryptBlock } from '../aes.ts';
import { aesCmac, truncateMacEv2 } from '../aes-cmac.ts';

export interface Ev2SessionKeys {
  enc: Buffer;
  mac: Buffer;
}

function sessionVector(label: number, rndA: Buffer, rndB: Buffer): Buffer {
  const sv = Buffer.alloc(32);
  sv[0] = label >> 8;
  sv[1] = label & 0xff;
  Buffer.from([0x00, 0x01, 0x00, 0x80]).copy(sv, 2);
  rndA.copy(sv, 6, 0, 2);
  for (let i = 0; i < 6; i++) sv[8 + i] = rndA[2 + i]! ^ rndB[i]!;
  rndB.copy(sv, 14, 6, 16);
  rndA.copy(sv, 24, 8, 16);
  return sv;
}

export function deriveSessionKeys(key: Buffer, rndA: Buffer, rndB: Buffer): Ev2SessionKeys {
  return {
    enc: aesCmac(key, sessionVector(0xa55a, rndA, rndB)),
    mac: aesCmac(key, sessionVector(0x5aa5, rndA, rndB)),
  };
}

function counter(value: number): Buffer {
  return Buffer.from([value & 0xff, (value >> 8) & 0xff]);
}

export function commandMac(
  macKey: Buffer,
  command: number,
  cmdCtr: number,
  ti: Buffer,
  headerAndData: Buffer,
): Buffer {
  return truncateMacEv2(
    aesCmac(macKey, Buffer.concat([Buffer.from([command]), counter(cmdCtr), ti, headerAndData])),
  );
}

/** `cmdCtr` is the counter after the increment the command caused (the card's value when it answers). */
export function responseMac(
  macKey: Buffer,
  status: number,
  cmdCtr: number,
  ti: Buffer,
  data: Buffer,
): Buffer {
  return truncateMacEv2(aesCmac(macKey, Buffer.concat([Buffer.from([status]), counter(cmdCtr), ti, data])));
}

function iv(encKey: Buffer, label: number, ti: Buffer, cmdCtr: number): Buffer {
  const block = Buffer.alloc(AES_BLOCK);
  block[0] = label >> 8;
  block[1] = label & 0xff;
  ti.copy(block, 2);
  counter(cmdCtr).copy(block, 6);
  return aesEncryptBlock(encKey, block);
}

export function commandIv(encKey: Buffer, ti: Buffer, cmdCtr: number): Buffer {
  return iv(encKey, 0xa55a, ti, cmdCtr);
}

/** `cmdCtr` already incremented, as for responseMac. */
export function responseIv(encKey: Buffer, ti: Buffer, cmdCtr: number): Buffer {
  return iv(encKey, 0x5aa5, ti, cmdCtr);
}

/** CRC-32 (IEEE 802.3) without the final inversion, little-endian: ChangeKey's CRC32NK. */
export function crc32Desfire(data: Buffer): Buffer {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  const out = Buffer.alloc(4);
  out.writeUInt32LE(crc >>> 0);
  return out;
}
