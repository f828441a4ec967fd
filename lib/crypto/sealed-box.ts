/**
 * A message only the holder of one private key can open, for one hop of trust: the recipient sends its
 * X25519 public key, the sender makes an ephemeral key pair, and the shared secret (X25519, then
 * HKDF-SHA256 bound to a context string) keys AES-256-GCM. Pairing seals the panel's kit this way, so
 * the hub's database never holds the kit's passwords in the clear while it waits to be collected, and
 * whoever else polls with a stolen poll token gets bytes it cannot open.
 */
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';

export interface SealedBox {
  /** The sender's ephemeral X25519 public key, raw 32 bytes, base64url. */
  ephemeralPublicKey: string;
  /** 12 bytes, base64url. */
  iv: string;
  /** AES-256-GCM ciphertext with its 16-byte tag appended, base64url. */
  ciphertext: string;
}

/** The DER prefix of an X25519 SubjectPublicKeyInfo; the raw key follows. */
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

export interface X25519KeyPair {
  privateKey: KeyObject;
  /** Raw 32 bytes, base64url: what travels. */
  publicKey: string;
}

export function newX25519KeyPair(): X25519KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  return { privateKey, publicKey: rawPublicKey(publicKey) };
}

/** The private key as PKCS#8 PEM (to keep it in a private file) and back. */
export const privateKeyPem = (key: KeyObject): string =>
  key.export({ type: 'pkcs8', format: 'pem' }).toString();
export const privateKeyFromPem = (pem: string): KeyObject => createPrivateKey(pem);

export function sealTo(recipientPublicKey: string, plaintext: Buffer, context: string): SealedBox {
  const ephemeral = newX25519KeyPair();
  const key = sharedKey(ephemeral.privateKey, recipientPublicKey, context);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return {
    ephemeralPublicKey: ephemeral.publicKey,
    iv: iv.toString('base64url'),
    ciphertext: body.toString('base64url'),
  };
}

/** Throws when the box was not sealed to this key under this context, or was changed on the way. */
export function openSealed(privateKey: KeyObject, box: SealedBox, context: string): Buffer {
  const key = sharedKey(privateKey, box.ephemeralPublicKey, context);
  const body = Buffer.from(box.ciphertext, 'base64url');
  if (body.length < 16) throw new Error('sealed box too short');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(box.iv, 'base64url'));
  decipher.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]);
}

function sharedKey(privateKey: KeyObject, peerPublicKey: string, context: string): Buffer {
  const raw = Buffer.from(peerPublicKey, 'base64url');
  if (raw.length !== 32) throw new Error('an X25519 public key has 32 bytes');
  const publicKey = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  const secret = diffieHellman({ privateKey, publicKey });
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), context, 32));
}

function rawPublicKey(key: KeyObject): string {
  const der = key.export({ type: 'spki', format: 'der' });
  return der.subarray(SPKI_PREFIX.length).toString('base64url');
}
