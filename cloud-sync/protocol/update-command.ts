/**
 * The `update.install` command: the hub tells one panel to fetch, check and install a signed RAUC
 * bundle. The command is signed by the hub (like every command) and names the bundle's SHA-256 and size,
 * so a bundle swapped at the URL is refused before RAUC sees it; RAUC then checks the release signature
 * against the keyring pinned in the panel's read-only root.
 */
import { z } from 'zod';

/** The RAUC compatible string of a portvakt panel (deploy/rauc/system.conf): bundles must name it. */
export const PANEL_COMPATIBLE = 'portvakt-rpi-arm64';

/** The largest bundle a panel downloads: a root file system slot is 1 GiB, a boot slot 128 MiB. */
export const UPDATE_BUNDLE_MAX_BYTES = 1280 * 1024 * 1024;
export const UPDATE_URL_MAX_CHARS = 2048;

/** package version + build id, as scripts/image/bundle.sh writes it (semver with build metadata). */
export const releaseVersionSchema = z
  .string()
  .max(64)
  .regex(
    /^\d{1,6}\.\d{1,6}\.\d{1,6}(-[0-9A-Za-z.-]{1,32})?(\+[0-9A-Za-z.-]{1,40})?$/,
    'must be a version like 1.2.3 or 1.2.3+build',
  );

export const releaseIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -');

export const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');

export const updateInstallCommand = z
  .object({
    type: z.literal('update.install'),
    releaseId: releaseIdSchema,
    version: releaseVersionSchema.describe('the bundle manifest version; checked again against the bundle'),
    url: z
      .string()
      .max(UPDATE_URL_MAX_CHARS)
      .regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL')
      .describe('where the panel downloads the bundle (the hub serves its catalogue)'),
    sha256: sha256HexSchema.describe('of the whole bundle file; a mismatch is refused before install'),
    sizeBytes: z.number().int().min(1).max(UPDATE_BUNDLE_MAX_BYTES),
    allowDowngrade: z
      .boolean()
      .default(false)
      .describe('install a version older than the running one (refused otherwise)'),
  })
  .strict();

export type UpdateInstallCommand = z.output<typeof updateInstallCommand>;
