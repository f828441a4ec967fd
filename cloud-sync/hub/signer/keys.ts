/**
 * The hub's Ed25519 command-signing key: generated on first start and kept in the hub data dir, readable by
 * the hub's user only (0600). Panels trust exactly its public key (written into panel.yaml at
 * provisioning), so losing the file means re-provisioning every panel's hubPublicKey — back it up.
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

export interface HubKeys {
  privateKey: SigningKey;
  publicKey: SigningKey;
  /** base64url raw public key, as panels configure it. */
  publicKeyText: string;
}

export async function loadOrCreateKeys(dataDir: string, logger: Logger): Promise<HubKeys> {
  const path = join(dataDir, KEY_FILE);
  if (!existsSync(path)) {
    const keys = await generateSigningKeys();
    const file = {
      privateKey: await exportPrivateKey(keys.privateKey),
      publicKey: await exportPublicKey(keys.publicKey),
    };
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

async function readKeys(path: string): Promise<HubKeys> {
  try {
    const file = JSON.parse(readFileSync(path, 'utf8')) as { privateKey?: unknown; publicKey?: unknown };
    if (typeof file.privateKey !== 'string' || typeof file.publicKey !== 'string')
      throw new Error('expected {"privateKey", "publicKey"} strings');
    const privateKey = await importPrivateKey(file.privateKey);
    const publicKey = await importPublicKey(file.publicKey);
    // A pair that does not match would sign commands every panel refuses: check once at start.
    const probe = new TextEncoder().encode('portvakt-hub-key-check');
    const sig = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, probe));
    if (!(await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, sig, probe)))
      throw new Error('private and public key do not belong together');
    return { privateKey, publicKey, publicKeyText: file.publicKey };
  } catch (err) {
    throw new PortvaktError('bad_signing_key', `cannot load hub signing key ${path}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}
