/**
 * A factory reset erases the keys the panel holds (ETSI EN 303 645 5.11), and a panel provisioned by
 * hand keeps some of them in its config file: the broker login (`sync`), the SIP account
 * (`intercom.phone`), the API tokens, the metrics token and the owner's Home Assistant broker login
 * (`homeAssistant`). Left there, the reset panel would log in again and the hub would
 * send every resident and card straight back. So the reset takes those sections out of the file and
 * keeps the rest (wiring, readers, `pairing`, the installer PIN's hash — a hash, not a key, so the
 * installer can still enter installer mode). The panel then starts unprovisioned: paired again through
 * `pairing`, or given a new kit.
 *
 * A config the panel cannot write (a read-only root) is named in the log with what it still holds: the
 * operator must reissue the panel's credentials at the hub (`provision --reissue`).
 */
import { readFileSync, statSync } from 'node:fs';
import { isMap, parseDocument } from 'yaml';
import { errorMessage } from '../../lib/errors.ts';
import { writeFileAtomic } from '../../lib/fs/atomic-file.ts';
import type { Logger } from '../../lib/log/logger.ts';

/** Config paths that hold credentials of the panel. */
export const CONFIG_SECRET_PATHS: readonly (readonly string[])[] = [
  ['sync'],
  ['intercom', 'phone'],
  ['api', 'installerToken'],
  ['api', 'readToken'],
  // The owner's Home Assistant broker login: a reset panel that changes hands must not keep it.
  ['homeAssistant'],
  ['metrics', 'token'],
];

/** The secret paths present in this YAML text (dotted), for the reset's report. */
export function configSecretsIn(text: string): string[] {
  const doc = parseDocument(text);
  return CONFIG_SECRET_PATHS.filter((path) => doc.hasIn(path)).map((path) => path.join('.'));
}

/** The YAML text without the secret sections; comments and the rest of the file kept. */
export function withoutConfigSecrets(text: string): string {
  const doc = parseDocument(text);
  // A metrics listener on the LAN is valid only with its token: without it the panel would not start,
  // so the section goes whole (metrics off until configured again).
  if (doc.hasIn(['metrics', 'token'])) doc.delete('metrics');
  for (const path of CONFIG_SECRET_PATHS) if (doc.hasIn(path)) doc.deleteIn(path);
  // An `intercom:` or `api:` section left empty is dropped rather than written as `null`.
  for (const key of ['intercom', 'api']) {
    const section = doc.get(key);
    if (isMap(section) && section.items.length === 0) doc.delete(key);
  }
  return doc.toString();
}

/** Rewrites the config at `path` without its secrets; resolves with what stayed (empty: all erased). */
export function eraseConfigSecrets(path: string, logger: Logger): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    logger.error({ err: errorMessage(err), path }, 'factory reset: the config could not be read');
    return ['(unreadable config)'];
  }
  const held = configSecretsIn(text);
  if (held.length === 0) return [];
  try {
    // Atomic (a panel whose config does not parse does not start, and its exit buttons with it), keeping
    // the file's mode.
    writeFileAtomic(path, withoutConfigSecrets(text), statSync(path).mode & 0o777);
    logger.warn({ path, erased: held }, 'factory reset: credentials removed from the config');
    return [];
  } catch (err) {
    logger.error(
      { err: errorMessage(err), path, held },
      'factory reset: the config still holds credentials (not writable): reissue them at the hub',
    );
    return held;
  }
}
