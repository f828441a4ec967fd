/**
 * Where the installer PIN's hash comes from. `api.installerPinHash` in panel.yaml is what provisioning
 * wrote; `portvakt set-installer-pin` writes a hash to the panel's data folder, which wins, so an
 * installer can set or change the PIN on a panel without editing its config (and a read-only config
 * stays read-only). A factory reset deletes the data folder's hash: the one in panel.yaml, the operator's
 * file, is the panel's provisioned state. The file is read at each PIN entry (a few bytes), so a new PIN
 * works without a restart.
 */
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { pinHashSchema } from '../../lib/crypto/pin-hash.ts';
import { writePrivateFile } from '../../lib/fs/private-files.ts';

export const PIN_OVERRIDE_FILE = 'installer-pin.hash';

export type PinHashSource =
  | { kind: 'data-dir'; hash: string }
  | { kind: 'config'; hash: string }
  | { kind: 'none' }
  /** The data folder's file exists but holds no valid hash: installer mode stays shut until it is fixed. */
  | { kind: 'invalid'; path: string };

export class InstallerPinSource {
  readonly #file: string;
  readonly #configHash: string | undefined;

  constructor(dataDir: string, configHash: string | undefined) {
    this.#file = join(dataDir, PIN_OVERRIDE_FILE);
    this.#configHash = configHash;
  }

  get overridePath(): string {
    return this.#file;
  }

  async current(): Promise<PinHashSource> {
    let text: string | undefined;
    try {
      text = await readFile(this.#file, 'utf8');
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') return { kind: 'invalid', path: this.#file };
    }
    if (text !== undefined) {
      const parsed = pinHashSchema.safeParse(text.trim());
      return parsed.success ? { kind: 'data-dir', hash: parsed.data } : { kind: 'invalid', path: this.#file };
    }
    return this.#configHash ? { kind: 'config', hash: this.#configHash } : { kind: 'none' };
  }
}

/** Writes the data folder's PIN hash (0600, replaced whole: a reader never sees half a hash). */
export async function writePinOverride(dataDir: string, hash: string): Promise<string> {
  const path = join(dataDir, PIN_OVERRIDE_FILE);
  const tmp = `${path}.tmp`;
  writePrivateFile(tmp, `${pinHashSchema.parse(hash)}\n`);
  await rename(tmp, path);
  return path;
}
