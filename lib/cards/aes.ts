/**
 * AES-128 primitives the card protocols need, on node:crypto: one block (ECB, for CMAC and IVs) and CBC
 * without padding (DESFire pads itself, ISO/IEC 9797-1 method 2). Keys and blocks are checked here so a
 * wrong length is a clear error instead of an OpenSSL message.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';

export const AES_BLOCK = 16;
export const AES_KEY_LENGTH = 16;

function checkKey(key: Buffer): void {
  if (key.length !== AES_KEY_LENGTH) throw new RangeError(`AES-128 key must be 16 bytes, got ${key.length}`);
}

/** E(K, block) for one 16-byte block. */
export function aesEncryptBlock(key: Buffer, block: Buffer): Buffer {
  checkKey(key);
  if (block.length !== AES_BLOCK) throw new RangeError(`AES block must be 16 bytes, got ${block.length}`);
  const cipher = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
  return Buffer.concat([cipher.update(block), cipher.final()]);
}

export function aesCbcEncrypt(key: Buffer, iv: Buffer, data: Buffer): Buffer {
  checkKey(key);
  if (data.length % AES_BLOCK !== 0) throw new RangeError('CBC data must be a multiple of 16 bytes');
  const cipher = createCipheriv('aes-128-cbc', key, iv).setAutoPadding(false);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

export function aesCbcDecrypt(key: Buffer, iv: Buffer, data: Buffer): Buffer {
  checkKey(key);
  if (data.length % AES_BLOCK !== 0) throw new RangeError('CBC data must be a multiple of 16 bytes');
  const decipher = createDecipheriv('aes-128-cbc', key, iv).setAutoPadding(false);
  return Buffer.concat([decipher.update(data), decipher.final()]);
}

export const ZERO_IV: Buffer = Buffer.alloc(AES_BLOCK);

/** ISO/IEC 9797-1 padding method 2: 0x80 then zeros, always at least one byte (DESFire's full mode). */
export function padIso9797M2(data: Buffer): Buffer {
  const padded = Buffer.alloc((Math.floor(data.length / AES_BLOCK) + 1) * AES_BLOCK);
  data.copy(padded);
  padded[data.length] = 0x80;
  return padded;
}

/** Strips method-2 padding; undefined when the padding is malformed (a wrong key or a forged answer). */
export function unpadIso9797M2(data: Buffer): Buffer | undefined {
  for (let i = data.length - 1; i >= 0 && i >= data.length - AES_BLOCK; i--) {
    if (data[i] === 0x80) return data.subarray(0, i);
    if (data[i] !== 0x00) return undefined;
  }
  return undefined;
}

export function xor(a: Buffer, b: Buffer): Buffer {
  if (a.length !== b.length) throw new RangeError('xor of buffers of different lengths');
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** Rotates left by one byte (RndA', RndB' of the DESFire handshakes). */
export function rotateLeft(data: Buffer): Buffer {
  return Buffer.concat([data.subarray(1), data.subarray(0, 1)]);
}
