/**
 * Real RAUC on this host, no VM: the shipped system.conf (slot devices swapped for files, the data dir and
 * keyring for temp ones) and the shipped tryboot backend on a temp config folder, with `rauc service` on
 * a private D-Bus session bus inside a mount namespace whose /proc/cmdline names the booted slot.
 *
 * The bundles here are format=plain: this sandbox's kernel has no device-mapper, so verity bundles (the
 * only format the shipped system.conf allows) cannot be mounted here; the emulated A/B test installs
 * those. Signature checks, slot writes, the boot image's hook and the backend are the same.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ReleaseKeys, sha256File, updateFixtures } from '../../support/rauc-bundles.ts';
import { tempDir } from '../../support/temp-dir.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
let fx: ReturnType<typeof updateFixtures>;
const bundles: Record<'good' | 'wrong' | 'corrupt' | 'unsigned', string> = {
  good: '',
  wrong: '',
  corrupt: '',
  unsigned: '',
};

function plainBundle(keys: ReleaseKeys, out: string): string {
  const content = join(tempDir('portvakt-plain-'), 'content');
  mkdirSync(content);
  cpSync(join(fx.images, 'rootfs.ext4'), join(content, 'rootfs.ext4'));
  cpSync(join(fx.images, 'boot-a.vfat'), join(content, 'boot.vfat'));
  cpSync(join(ROOT, 'deploy/rauc/bundle-hook'), join(content, 'hook'));
  writeFileSync(
    join(content, 'manifest.raucm'),
    '[update]\ncompatible=portvakt-rpi-arm64\nversion=0.2.0+plain\n[bundle]\nformat=plain\n[hooks]\nfilename=hook\n' +
      '[image.rootfs]\nfilename=rootfs.ext4\n[image.boot]\nfilename=boot.vfat\nhooks=install\n',
  );
  execFileSync('rauc', ['bundle', `--cert=${keys.cert}`, `--key=${keys.key}`, content, out], {
    stdio: 'ignore',
  });
  return out;
}

beforeAll(() => {
  fx = updateFixtures();
  bundles.good = plainBundle(fx.keys, join(fx.dir, 'plain-good.raucb'));
  bundles.wrong = plainBundle(fx.wrongKeys, join(fx.dir, 'plain-wrong.raucb'));
  const bytes = readFileSync(bundles.good);
  bytes[100] = (bytes[100] ?? 0) ^ 0xff; // inside the squashfs payload, which a plain bundle's signature covers
  bundles.corrupt = join(fx.dir, 'plain-corrupt.raucb');
  writeFileSync(bundles.corrupt, bytes);
  bundles.unsigned = fx.unsigned;
});

/** A panel's disk as files: four slots, the config partition as a folder, RAUC's config pointing at them. */
function panelDisk() {
  const dir = tempDir('portvakt-rauc-lab-');
  for (const s of ['rootA', 'rootB']) execFileSync('truncate', ['-s', '8M', join(dir, `${s}.img`)]);
  for (const s of ['bootA', 'bootB']) {
    execFileSync('truncate', ['-s', '4M', join(dir, `${s}.img`)]);
    execFileSync('mkfs.vfat', [join(dir, `${s}.img`)], { stdio: 'ignore' });
  }
  mkdirSync(join(dir, 'config'));
  mkdirSync(join(dir, 'data'));
  writeFileSync(
    join(dir, 'config/autoboot.txt'),
    '[all]\ntryboot_a_b=1\nboot_partition=2\n[tryboot]\nboot_partition=3\n',
  );
  const conf = readFileSync(join(ROOT, 'deploy/rauc/system.conf'), 'utf8')
    .replace('/dev/disk/by-partlabel/PV-BOOT-A', join(dir, 'bootA.img'))
    .replace('/dev/disk/by-partlabel/PV-BOOT-B', join(dir, 'bootB.img'))
    .replace('/dev/disk/by-partlabel/PV-ROOT-A', join(dir, 'rootA.img'))
    .replace('/dev/disk/by-partlabel/PV-ROOT-B', join(dir, 'rootB.img'))
    .replace(/^data-directory=.*$/m, `data-directory=${join(dir, 'data')}`)
    .replace(/^bundle-formats=.*$/m, 'bundle-formats=plain')
    .replace(/^path=\/etc\/rauc\/keyring.pem$/m, `path=${fx.keys.keyring}`)
    .replace(/^bootloader-custom-backend=.*$/m, `bootloader-custom-backend=${join(dir, 'backend.sh')}`);
  writeFileSync(join(dir, 'system.conf'), conf);
  writeFileSync(
    join(dir, 'backend.sh'),
    `#!/bin/sh\nPV_CONFIG_DIR=${join(dir, 'config')} PV_PROC_CMDLINE=${join(dir, 'cmdline')} PV_DT_COMPATIBLE=/nonexistent exec ${join(ROOT, 'deploy/rauc/tryboot-backend')} "$@"\n`,
  );
  chmodSync(join(dir, 'backend.sh'), 0o755);
  const slots = () =>
    Object.fromEntries(
      ['rootA', 'rootB', 'bootA', 'bootB'].map((s) => [s, sha256File(join(dir, `${s}.img`))]),
    );
  const config = (name: string) => {
    const path = join(dir, 'config', name);
    return existsSync(path) ? readFileSync(path, 'utf8') : null;
  };
  /**
   * Boots "slot" (its cmdline names it), starts RAUC's service on a private bus, runs each rauc command
   * and returns their exit codes and output; the service ends with the session.
   */
  const boot = (slot: 'A' | 'B', commands: string[][]): Array<{ rc: number; out: string }> => {
    writeFileSync(
      join(dir, 'cmdline'),
      `console=ttyAMA0 root=PARTLABEL=PV-ROOT-${slot} rauc.slot=${slot} ro\n`,
    );
    const steps = commands
      .map(
        (c, i) =>
          `echo "== step ${i}"; rauc --conf=./system.conf ${c.map((a) => `'${a}'`).join(' ')} 2>&1; echo "== rc $?"`,
      )
      .join('\n');
    writeFileSync(
      join(dir, 'run.sh'),
      `set -u\nmount --bind ./cmdline /proc/cmdline\nexport DBUS_STARTER_BUS_TYPE=session\nrauc service --conf=./system.conf >service.log 2>&1 &\nsvc=$!\nfor i in $(seq 50); do rauc --conf=./system.conf status >/dev/null 2>&1 && break; sleep 0.2; done\n${steps}\nkill $svc; wait $svc 2>/dev/null\n`,
    );
    const out = execFileSync('dbus-run-session', ['--', 'unshare', '-m', 'sh', './run.sh'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out
      .split('== step ')
      .slice(1)
      .map((chunk) => {
        const rc = Number(/== rc (\d+)/.exec(chunk)?.[1] ?? -1);
        return { rc, out: chunk };
      });
  };
  return { dir, slots, config, boot };
}

const autoboot = (primary: number, tryboot: number) =>
  `[all]\ntryboot_a_b=1\nboot_partition=${primary}\n[tryboot]\nboot_partition=${tryboot}\n`;

describe('rauc install with the shipped system.conf and tryboot backend', () => {
  it('installs a good bundle into the inactive pair, arms a trial, and mark-good on it makes it primary', () => {
    const disk = panelDisk();
    const before = disk.slots();
    const [install] = disk.boot('A', [['install', bundles.good]]);
    expect(install?.rc, install?.out).toBe(0);
    const after = disk.slots();
    expect(after['rootA']).toBe(before['rootA']);
    expect(after['bootA']).toBe(before['bootA']);
    expect(readFileSync(join(disk.dir, 'rootB.img')).subarray(0, 4 * 1024 * 1024)).toEqual(
      readFileSync(join(fx.images, 'rootfs.ext4')),
    );
    // The boot image's hook pointed its cmdline at its own root.
    const cmdline = execFileSync('mcopy', ['-n', '-i', join(disk.dir, 'bootB.img'), '::cmdline.txt', '-'], {
      encoding: 'utf8',
    });
    expect(cmdline).toContain('root=PARTLABEL=PV-ROOT-B rauc.slot=B');
    expect(disk.config('autoboot.txt')).toBe(autoboot(2, 3));
    expect(disk.config('trial.txt')).toBe('B\n');
    expect(disk.config('tryboot.flag')).toBe('B\n');

    // The harness (the firmware) starts B once; the healthy panel marks it good.
    const [good] = disk.boot('B', [['status', 'mark-good', 'booted']]);
    expect(good?.rc, good?.out).toBe(0);
    expect(disk.config('autoboot.txt')).toBe(autoboot(3, 2));
    expect(disk.config('trial.txt')).toBeNull();
    expect(disk.config('tryboot.flag')).toBeNull();
  });

  it('mark-bad on the trial boot disarms it: the next boot starts the old primary', () => {
    const disk = panelDisk();
    expect(disk.boot('A', [['install', bundles.good]])[0]?.rc).toBe(0);
    const [bad] = disk.boot('B', [['status', 'mark-bad', 'booted']]);
    expect(bad?.rc, bad?.out).toBe(0);
    expect(disk.config('autoboot.txt')).toBe(autoboot(2, 3));
    expect(disk.config('trial.txt')).toBeNull();
    expect(disk.config('tryboot.flag')).toBeNull();
    expect(disk.config('slot-bad.txt')).toBe('B\n');
  });

  it('refuses wrongly signed, corrupt and unsigned bundles and writes nothing', () => {
    const disk = panelDisk();
    const before = disk.slots();
    const results = disk.boot('A', [
      ['install', bundles.wrong],
      ['install', bundles.corrupt],
      ['install', bundles.unsigned],
    ]);
    expect(results.map((r) => r.rc)).toEqual([1, 1, 1]);
    expect(results[0]?.out).toMatch(/signature verification failed/);
    expect(results[1]?.out).toMatch(/signature verification failed|Invalid|failed/i);
    expect(results[2]?.out).toMatch(/Signature size is 0|Invalid bundle/i);
    expect(disk.slots()).toEqual(before);
    expect(disk.config('autoboot.txt')).toBe(autoboot(2, 3));
    expect(disk.config('trial.txt')).toBeNull();
  });
});
