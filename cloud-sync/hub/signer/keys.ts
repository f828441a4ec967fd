/**
 * The hub's Ed25519 signing key (commands and config): generated on first start and kept in the hub data
 * dir, readable by the hub's user only (0600). Panels start out trusting its public key (written into
 * panel.yaml at provisioning) and then the keys each signed config names, so a key can be rotated without
 * touching panels (rotation.ts); losing the file still means re-provisioning every panel — back it up.
 * During a rotation the file also holds the next key.
 */
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage, PortvaktError } from '../../../lib/errors.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import {
  exportPrivateKey,
  exportPublicKey,
  generateSigningKeys,
  importPrivateKey,
  importPublicKey,
  type SigningKey,
} from '../../protocol/signing.ts';

export const KEY_FILE = 'hub-signing-key.json';

export interface KeyPair {
  privateKey: SigningKey;
  publicKey: SigningKey;
  /** base64url raw public key, as panels configure it. */
  publicKeyText: string;
}

/** The key the hub signs with, and during a rotation the next one; rotation.ts changes them in place. */
export interface HubKeys extends KeyPair {
  next?: KeyPair | undefined;
}

/** The public keys panels are told to trust: the current one, and the next one during a rotation. */
export function trustedKeyTexts(keys: HubKeys): string[] {
  return keys.next ? [keys.publicKeyText, keys.next.publicKeyText] : [keys.publicKeyText];
}

interface KeyFileEntry {
  privateKey: string;
  publicKey: string;
}

export async function exportKeyPair(pair: { privateKey: SigningKey; publicKey: SigningKey }) {
  return {
    privateKey: await exportPrivateKey(pair.privateKey),
    publicKey: await exportPublicKey(pair.publicKey),
  };
}

export async function loadOrCreateKeys(dataDir: string, logger: Logger): Promise<HubKeys> {
  const path = join(dataDir, KEY_FILE);
  if (!existsSync(path)) {
    const file = await exportKeyPair(await generateSigningKeys());
    try {
      // 'wx': never overwrite a key another process created meanwhile; mode applies at creation.
      writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      logger.info({ path }, 'hub signing key created');
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
    }
  }
  if ((statSync(path).mode & 0o077) !== 0) {
    logger.warn({ path }, 'hub signing key was readable by others; restricting to 0600');
    chmodSync(path, 0o600);
  }
  return readKeys(path);
}

/** The key file's form: the current pair, and the next one while a rotation is under way. */
export function keyFileText(keys: { current: KeyFileEntry; next?: KeyFileEntry | undefined }): string {
  return `${JSON.stringify({ ...keys.current, ...(keys.next ? { next: keys.next } : {}) }, null, 2)}\n`;
}

async function readKeys(path: string): Promise<HubKeys> {
  try {
    const file = JSON.parse(readFileSync(path, 'utf8')) as Partial<KeyFileEntry> & { next?: unknown };
    const current = await importPair(file);
    const next = file.next === undefined ? undefined : await importPair(file.next as Partial<KeyFileEntry>);
    return { ...current, ...(next ? { next } : {}) };
  } catch (err) {
    throw new PortvaktError('bad_signing_key', `cannot load hub signing key ${path}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

async function importPair(entry: Partial<KeyFileEntry> | null): Promise<KeyPair> {
  if (typeof entry?.privateKey !== 'string' || typeof entry.publicKey !== 'string')
    throw new Error('expected {"privateKey", "publicKey"} strings');
  const privateKey = await importPrivateKey(entry.privateKey);
  const publicKey = await importPublicKey(entry.publicKey);
  // A pair that does not match would sign what every panel refuses: check once at start.
  const probe = new TextEncoder().encode('portvakt-hub-key-check');
  const sig = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, probe));
  if (!(await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, sig, probe)))
    throw new Error('private and public key do not belong together');
  return { privateKey, publicKey, publicKeyText: entry.publicKey };
}
