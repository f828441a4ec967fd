/**
 * The hub's release catalogue: a bundle is taken only when its signature chains to the release keyring
 * the hub is configured with (the same `rauc info` check a panel makes) and it is for portvakt panels.
 * The file is copied into the hub data dir (releases/<id>.raucb); its SHA-256 and size go into every
 * update.install command, so a panel refuses any other bytes served under that URL.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../../lib/clock/clock.ts';
import { NotFoundError, ValidationError } from '../../../lib/errors.ts';
import { BundleRefusedError, raucInfo } from '../../../lib/rauc/rauc-info.ts';
import type { ReleaseView } from '../../protocol/admin-releases.ts';
import {
  PANEL_COMPATIBLE,
  releaseVersionSchema,
  UPDATE_BUNDLE_MAX_BYTES,
} from '../../protocol/update-command.ts';
import type { HubStore } from '../store/hub-store.ts';

export interface CatalogueOptions {
  store: HubStore;
  /** The hub data dir: bundles live in its releases/ folder. */
  dataDir: string;
  /** The release certificate(s) panels pin; a bundle not chaining to it is refused. */
  keyring: string;
  clock: Clock;
}

export class ReleaseCatalogue {
  readonly #o: CatalogueOptions;

  constructor(options: CatalogueOptions) {
    this.#o = options;
  }

  /** Verifies and stores a bundle; adding the same bytes again returns the release already there. */
  async add(file: string): Promise<ReleaseView> {
    const size = (await stat(file).catch(() => undefined))?.size;
    if (size === undefined) throw new NotFoundError(`no file ${file}`);
    if (size > UPDATE_BUNDLE_MAX_BYTES)
      throw new ValidationError(
        `bundle of ${size} bytes is over the ${UPDATE_BUNDLE_MAX_BYTES} panels accept`,
      );
    let info: { compatible: string; version: string };
    try {
      info = await raucInfo(file, this.#o.keyring);
    } catch (err) {
      if (err instanceof BundleRefusedError) throw new ValidationError(`bundle refused: ${err.message}`);
      throw err;
    }
    if (info.compatible !== PANEL_COMPATIBLE)
      throw new ValidationError(`bundle is for "${info.compatible}", not "${PANEL_COMPATIBLE}"`);
    if (!releaseVersionSchema.safeParse(info.version).success)
      throw new ValidationError(`bundle version "${info.version}" is not a release version (1.2.3+build)`);
    const sha256 = await sha256Of(file);
    const known = this.#o.store.releases.bySha256(sha256);
    if (known) return known;
    const release: ReleaseView = {
      id: `rel-${sha256.slice(0, 16)}`,
      version: info.version,
      compatible: info.compatible,
      sha256,
      sizeBytes: size,
      addedAt: this.#o.clock.now(),
    };
    const dir = join(this.#o.dataDir, 'releases');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = join(dir, `${release.id}.tmp`);
    try {
      await copyFile(file, tmp);
      // The copy must be the bytes that were verified: a file changed while being read is refused.
      if ((await sha256Of(tmp)) !== sha256) throw new ValidationError('bundle changed while it was added');
      await rename(tmp, this.path(release.id));
    } finally {
      await rm(tmp, { force: true });
    }
    this.#o.store.releases.add(release);
    return release;
  }

  /** Where a release's bundle is kept (the id is validated: no path can be named through it). */
  path(releaseId: string): string {
    if (!/^rel-[0-9a-f]{16}$/.test(releaseId)) throw new NotFoundError(`no release "${releaseId}"`);
    return join(this.#o.dataDir, 'releases', `${releaseId}.raucb`);
  }
}

function sha256Of(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
