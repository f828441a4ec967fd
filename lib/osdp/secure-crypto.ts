/**
 * OSDP Secure Channel primitives (v2.2 Annex D), node:crypto only: the install-mode default key SCBK-D,
 * session keys from an SCBK and the ACU's random, the client and server cryptograms, the initial reply
 * MAC (RMAC-I), the chained message MAC and the AES-CBC data encryption.
 */
import { createCipheriv, createDecipheriv, timingSafeEqual } from 'node:crypto';
import { OsdpSecureError } from './errors.ts';

/** The well-known key of install mode (0x30..0x3F). Anyone can use it: only for the KEYSET hand-over. */
export const SCBK_D = Buffer.from('303132333435363738393a3b3c3d3e3f', 'hex');
const BLOCK = 16;

export interface SessionKeys {
  enc: Buffer;
  mac1: Buffer;
  mac2: Buffer;
}

export function aesEcb(key: Buffer, block: Buffer): Buffer {
  const cipher = createCipheriv('aes-128-ecb', key, null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(block), cipher.final()]);
}

/** S-ENC, S-MAC1, S-MAC2: AES(SCBK, 01 82|01|02 RND.A[0..5] 00…). */
export function deriveSessionKeys(scbk: Buffer, rndA: Buffer): SessionKeys {
  const derive = (second: number): Buffer => {
    const block = Buffer.alloc(BLOCK);
    block[0] = 0x01;
    block[1] = second;
    rndA.copy(block, 2, 0, 6);
    return aesEcb(scbk, block);
  };
  return { enc: derive(0x82), mac1: derive(0x01), mac2: derive(0x02) };
}

/** The PD's proof of the key: AES(S-ENC, RND.A ‖ RND.B). */
export function clientCryptogram(keys: SessionKeys, rndA: Buffer, rndB: Buffer): Buffer {
  return aesEcb(keys.enc, Buffer.concat([rndA, rndB]));
}

/** The ACU's proof of the key: AES(S-ENC, RND.B ‖ RND.A). */
export function serverCryptogram(keys: SessionKeys, rndA: Buffer, rndB: Buffer): Buffer {
  return aesEcb(keys.enc, Buffer.concat([rndB, rndA]));
}

/** RMAC-I = AES(S-MAC2, AES(S-MAC1, server cryptogram)): the first IV of the MAC chain. */
export function initialRmac(keys: SessionKeys, serverCrypt: Buffer): Buffer {
  return aesEcb(keys.mac2, aesEcb(keys.mac1, serverCrypt));
}

/**
 * The message MAC: AES-CBC over the message padded with 0x80 00… (only when not a whole number of
 * blocks), S-MAC1 for every block but the last, S-MAC2 for the last; IV = the previous MAC of the chain.
 */
export function messageMac(keys: SessionKeys, iv: Buffer, message: Buffer): Buffer {
  const padded = message.length % BLOCK === 0 && message.length > 0 ? message : pad(message);
  let chain = iv;
  const last = padded.length - BLOCK;
  for (let at = 0; at < last; at += BLOCK)
    chain = aesEcb(keys.mac1, xor(chain, padded.subarray(at, at + BLOCK)));
  return aesEcb(keys.mac2, xor(chain, padded.subarray(last)));
}

/** Data encryption: AES-CBC with S-ENC, IV = the bitwise complement of the other side's last MAC. */
export function encryptData(keys: SessionKeys, lastMac: Buffer, data: Buffer): Buffer {
  const cipher = createCipheriv('aes-128-cbc', keys.enc, complement(lastMac));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(pad(data)), cipher.final()]);
}

export function decryptData(keys: SessionKeys, lastMac: Buffer, data: Buffer): Buffer {
  if (data.length === 0 || data.length % BLOCK !== 0)
    throw new OsdpSecureError('bad_padding', `encrypted data of ${data.length} bytes is not whole blocks`);
  const decipher = createDecipheriv('aes-128-cbc', keys.enc, complement(lastMac));
  decipher.setAutoPadding(false);
  const clear = Buffer.concat([decipher.update(data), decipher.final()]);
  let end = clear.length - 1;
  while (end >= 0 && clear[end] === 0) end--;
  if (end < 0 || clear[end] !== 0x80) throw new OsdpSecureError('bad_padding', 'no 0x80 padding marker');
  return clear.subarray(0, end);
}

export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** 0x80 then zeros up to the next whole block (always at least the 0x80). */
function pad(data: Buffer): Buffer {
  const out = Buffer.alloc(Math.ceil((data.length + 1) / BLOCK) * BLOCK);
  data.copy(out);
  out[data.length] = 0x80;
  return out;
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(BLOCK);
  for (let i = 0; i < BLOCK; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

function complement(mac: Buffer): Buffer {
  return Buffer.from(mac.subarray(0, BLOCK).map((b) => ~b & 0xff));
}
