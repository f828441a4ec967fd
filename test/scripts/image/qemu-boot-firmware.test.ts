/**
 * The emulated boot's firmware part (scripts/image/qemu-boot.ts) on a small GPT image made like the
 * card's (sfdisk on a file, FAT partitions written at their offsets): which boot partition it picks
 * from autoboot.txt, the one-shot tryboot flag, and the console rewrite of cmdline.txt.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  emulatedCmdline,
  partitions,
  readFat,
  selectBoot,
  writeFat,
} from '../../../scripts/image/qemu-boot.ts';
import { tempDir } from '../../support/temp-dir.ts';

const AUTOBOOT = '[all]\ntryboot_a_b=1\nboot_partition=2\n[tryboot]\nboot_partition=3\n';

let image: string;
beforeEach(() => {
  const dir = tempDir('portvakt-fw-');
  image = join(dir, 'card.img');
  const fat = join(dir, 'p.vfat');
  execFileSync('truncate', ['-s', '16M', image]);
  execFileSync('sfdisk', ['--quiet', '--label', 'gpt', image], {
    input: 'start=1MiB, size=4MiB, name=PV-CONFIG\nsize=4MiB, name=PV-BOOT-A\nsize=4MiB, name=PV-BOOT-B\n',
  });
  // FAT16 keeps the test small; mtools reads it as the card's FAT32.
  execFileSync('mkfs.vfat', ['-C', fat, String(4 * 1024)], { stdio: 'ignore' });
  for (const part of partitions(image)) {
    execFileSync('dd', [
      `if=${fat}`,
      `of=${image}`,
      'bs=512',
      `seek=${part.start}`,
      'conv=notrunc',
      'status=none',
    ]);
  }
  writeFat(image, 1, 'autoboot.txt', AUTOBOOT);
});

describe('the emulated Pi firmware', () => {
  it("boots [all]'s boot_partition", () => {
    expect(selectBoot(image)).toEqual({ partition: 2, tryboot: false });
    expect(selectBoot(image)).toEqual({ partition: 2, tryboot: false });
  });

  it('takes [tryboot] once when tryboot.flag is there, and deletes the flag', () => {
    writeFat(image, 1, 'tryboot.flag', '');
    expect(selectBoot(image)).toEqual({ partition: 3, tryboot: true });
    expect(readFat(image, 1, 'tryboot.flag')).toBeUndefined();
    expect(selectBoot(image)).toEqual({ partition: 2, tryboot: false });
  });

  it('follows a rewritten primary (mark-good of slot B)', () => {
    writeFat(image, 1, 'autoboot.txt', AUTOBOOT.replace('boot_partition=2', 'boot_partition=3'));
    expect(selectBoot(image)).toEqual({ partition: 3, tryboot: false });
  });

  it('writes and reads files in subfolders of a partition', () => {
    writeFat(image, 1, 'portvakt/panel.yaml', 'panel: {}\n');
    expect(readFat(image, 1, 'portvakt/panel.yaml')).toBe('panel: {}\n');
  });

  it('moves the console to the emulated UART and adds the lab flag, keeping the rest of cmdline.txt', () => {
    expect(
      emulatedCmdline(
        'console=tty1 console=ttyS1,115200 root=PARTLABEL=PV-ROOT-B ro rootwait\n',
        'portvakt.lab=1',
      ),
    ).toBe('root=PARTLABEL=PV-ROOT-B ro rootwait console=ttyAMA0 portvakt.lab=1');
  });
});
