/**
 * AES-CMAC (RFC 4493, NIST SP 800-38B) and the 8-byte truncation DESFire EV2 secure messaging uses.
 * Written out rather than taken from OpenSSL's CMAC API because AN10922 key diversification needs the
 * same construction with its own padding rule (see an10922.ts).
 */
import { AES_BLOCK, aesCbcEncrypt, aesEncryptBlock, xor, ZERO_IV } from './aes.ts';

export interface CmacSubkeys {
  k1: Buffer;
  k2: Buffer;
}

/** Doubling in GF(2^128): shift left one bit, xor Rb = 0x87 into the last byte when the top bit fell off. */
function double(block: Buffer): Buffer {
  const out = Buffer.alloc(AES_BLOCK);
  for (let i = 0; i < AES_BLOCK; i++) {
    out[i] = ((block[i]! << 1) | (i + 1 < AES_BLOCK ? block[i + 1]! >> 7 : 0)) & 0xff;
  }
  if (block[0]! & 0x80) out[AES_BLOCK - 1] = out[AES_BLOCK - 1]! ^ 0x87;
  return out;
}

export function cmacSubkeys(key: Buffer): CmacSubkeys {
  const k1 = double(aesEncryptBlock(key, Buffer.alloc(AES_BLOCK)));
  return { k1, k2: double(k1) };
}

/**
 * The CBC-MAC chain over blocks that are already padded to a multiple of 16, with the last block
 * xored with `lastKey` (K1 when the message was complete, K2 when it was padded).
 */
export function cmacChain(key: Buffer, padded: Buffer, lastKey: Buffer): Buffer {
  const blocks = Buffer.from(padded);
  const last = blocks.length - AES_BLOCK;
  xor(blocks.subarray(last), lastKey).copy(blocks, last);
  // The CBC-MAC is the last block of a zero-IV CBC encryption: one cipher call instead of one per block.
  return aesCbcEncrypt(key, ZERO_IV, blocks).subarray(last);
}

/** AES-CMAC of `message` under a 16-byte key: the full 16-byte tag. */
export function aesCmac(key: Buffer, message: Buffer): Buffer {
  const { k1, k2 } = cmacSubkeys(key);
  const complete = message.length > 0 && message.length % AES_BLOCK === 0;
  if (complete) return cmacChain(key, message, k1);
  const padded = Buffer.alloc((Math.floor(message.length / AES_BLOCK) + 1) * AES_BLOCK);
  message.copy(padded);
  padded[message.length] = 0x80;
  return cmacChain(key, padded, k2);
}

/**
 * DESFire EV2's MACt: the bytes at odd offsets (1, 3, …, 15) of the CMAC, which NXP's documents call
 * the "even-numbered bytes" counting from 1. Not the first 8 bytes (that was EV1's truncation).
 */
export function truncateMacEv2(mac: Buffer): Buffer {
  const out = Buffer.alloc(8);
  for (let i = 0; i < 8; i++) out[i] = mac[2 * i + 1]!;
  return out;
}
