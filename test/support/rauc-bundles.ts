/**
 * Real RAUC bundles for update tests, made with the project's own scripts (scripts/image/release-key.sh,
 * scripts/image/bundle.sh) from tiny slot images: a dev CA and release key, a second unrelated one (a
 * wrong signer), and bundles of any version. Needs Debian's rauc, squashfs-tools, e2fsprogs, dosfstools
 * and mtools (scripts/setup.sh).
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from './temp-dir.ts';

const ROOT = resolve(import.meta.dirname, '../..');

export interface ReleaseKeys {
  dir: string;
  keyring: string;
  cert: string;
  key: string;
}

export function makeReleaseKeys(dir: string, cn = 'portvakt test release'): ReleaseKeys {
  execFileSync(join(ROOT, 'scripts/image/release-key.sh'), [dir, cn], { stdio: 'ignore' });
  return {
    dir,
    keyring: join(dir, 'keyring.pem'),
    cert: join(dir, 'release.cert.pem'),
    key: join(dir, 'release.key.pem'),
  };
}

/**
 * Slot images like the image build's (build/image/rootfs.ext4, boot-a.vfat), small: an ext4 with random
 * content (a verity bundle refuses a payload of 4096 bytes or less) and a FAT with a cmdline.txt.
 */
export function makeSlotImages(dir: string, marker = 'v1'): string {
  mkdirSync(join(dir, 'tree'), { recursive: true });
  // Incompressible: squashfs must stay larger than one block.
  writeFileSync(join(dir, 'tree/payload'), randomBytes(64 * 1024));
  writeFileSync(join(dir, 'tree/marker'), marker);
  execFileSync('mkfs.ext4', ['-q', '-F', '-d', join(dir, 'tree'), join(dir, 'rootfs.ext4'), '4M']);
  execFileSync('truncate', ['-s', '2M', join(dir, 'boot-a.vfat')]);
  execFileSync('mkfs.vfat', [join(dir, 'boot-a.vfat')], { stdio: 'ignore' });
  writeFileSync(join(dir, 'cmdline.txt'), 'console=ttyAMA0 root=PARTLABEL=PV-ROOT-A rauc.slot=A ro\n');
  execFileSync('mcopy', ['-i', join(dir, 'boot-a.vfat'), join(dir, 'cmdline.txt'), '::cmdline.txt']);
  return dir;
}

/** A signed bundle of version `${package version}+${buildId}`; returns its path. */
export function makeBundle(keys: ReleaseKeys, images: string, buildId: string, out: string): string {
  execFileSync(
    join(ROOT, 'scripts/image/bundle.sh'),
    ['--cert', keys.cert, '--key', keys.key, '--in', images, '--build-id', buildId, '--out', out],
    { stdio: 'ignore' },
  );
  return out;
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** A copy of `bundle` with one byte of its signed part flipped: its signature no longer verifies. */
export function corruptCopy(bundle: string, out: string): string {
  const bytes = readFileSync(bundle);
  // Inside the signature block at the end (for verity bundles it covers the manifest and the root hash;
  // the payload itself is checked block by block by dm-verity while installing).
  const at = bytes.length - 300;
  bytes[at] = (bytes[at] ?? 0) ^ 0xff;
  writeFileSync(out, bytes);
  return out;
}

/** Keys, a wrong signer, slot images and the bundles every update test uses, made once per file. */
export function updateFixtures() {
  const dir = tempDir('portvakt-rauc-');
  const keys = makeReleaseKeys(join(dir, 'keys'));
  const wrongKeys = makeReleaseKeys(join(dir, 'wrong-keys'), 'someone else');
  const images = makeSlotImages(join(dir, 'images'));
  const version = packageVersion();
  const good = makeBundle(keys, images, 'b2', join(dir, 'good.raucb'));
  const wronglySigned = makeBundle(wrongKeys, images, 'b2', join(dir, 'wrong.raucb'));
  const corrupt = corruptCopy(good, join(dir, 'corrupt.raucb'));
  const unsigned = join(dir, 'unsigned.raucb');
  writeFileSync(unsigned, readFileSync(join(images, 'rootfs.ext4')));
  return {
    dir,
    keys,
    wrongKeys,
    images,
    version,
    good,
    wronglySigned,
    corrupt,
    unsigned,
    goodVersion: `${version}+b2`,
  };
}
